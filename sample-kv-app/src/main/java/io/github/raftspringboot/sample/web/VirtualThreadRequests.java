package io.github.raftspringboot.sample.web;

import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * On Java 24 and later the sample serves its HTTP requests on virtual threads, unless
 * {@code spring.threads.virtual.enabled=false}. A request mostly waits for its write's commit; with 256 clients Tomcat's
 * pool kept about 85 threads per node blocked on those waits, and on virtual threads a put cost the nodes about a
 * third less CPU (docs/benchmarks.md, virtual threads). Not on Java 21-23: there a virtual thread blocked inside a
 * {@code synchronized} block pins its carrier, and a node on 2 cores has 2 carriers.
 * <p>
 * Decided when the server is built, not by a condition: Spring AOT fixes conditions when the jar is built (on Java 17
 * here), so Boot's own switch would be lost by the AOT launches (scripts/local-cluster.sh, the container image).
 */
@Configuration(proxyBeanMethods = false)
class VirtualThreadRequests {

    static final int FIRST_JAVA = 24;

    private static final Logger logger = LoggerFactory.getLogger(VirtualThreadRequests.class);

    @Bean
    TomcatProtocolHandlerCustomizer<ProtocolHandler> requestsOnVirtualThreads(Environment environment) {
        return handler -> {
            if (enabled(environment, Runtime.version().feature())) {
                handler.setExecutor(new VirtualThreadExecutor("tomcat-handler-"));
                logger.info("HTTP requests are served on virtual threads (Java {}); "
                        + "spring.threads.virtual.enabled=false serves them on Tomcat's pool",
                        Runtime.version().feature());
            }
        };
    }

    /** On Java {@value #FIRST_JAVA}+, unless turned off. */
    static boolean enabled(Environment environment, int javaFeature) {
        Boolean configured = environment.getProperty("spring.threads.virtual.enabled", Boolean.class);
        return javaFeature >= FIRST_JAVA && !Boolean.FALSE.equals(configured);
    }
}
