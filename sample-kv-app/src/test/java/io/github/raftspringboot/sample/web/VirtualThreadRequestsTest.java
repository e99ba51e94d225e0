package io.github.raftspringboot.sample.web;

import java.util.concurrent.Executor;

import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample serves its requests on virtual threads from Java 24 on, unless told not to (docs/configuration.md). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=threads-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "spring.grpc.server.port=0" })
class VirtualThreadRequestsTest {

    @Autowired
    WebServerApplicationContext context;

    @DynamicPropertySource
    static void raftPort(DynamicPropertyRegistry registry) {
        registry.add("raft.port", FreePorts::next);
    }

    @Test
    void theRunningServerUsesVirtualThreadsExactlyFromJava24() {
        Executor executor = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector().getProtocolHandler()
            .getExecutor();
        boolean expected = Runtime.version().feature() >= VirtualThreadRequests.FIRST_JAVA;
        assertThat(executor instanceof VirtualThreadExecutor)
            .as("Java %s, Tomcat's executor %s", Runtime.version().feature(), executor)
            .isEqualTo(expected);
    }

    @Test
    void onJava24AndLaterUnlessTurnedOff() {
        MockEnvironment unset = new MockEnvironment();
        assertThat(VirtualThreadRequests.enabled(unset, 17)).isFalse();
        assertThat(VirtualThreadRequests.enabled(unset, 21)).isFalse();
        assertThat(VirtualThreadRequests.enabled(unset, 24)).isTrue();
        assertThat(VirtualThreadRequests.enabled(unset, 25)).isTrue();
        MockEnvironment off = new MockEnvironment().withProperty("spring.threads.virtual.enabled", "false");
        assertThat(VirtualThreadRequests.enabled(off, 25)).isFalse();
        MockEnvironment on = new MockEnvironment().withProperty("spring.threads.virtual.enabled", "true");
        assertThat(VirtualThreadRequests.enabled(on, 25)).isTrue();
    }
}
