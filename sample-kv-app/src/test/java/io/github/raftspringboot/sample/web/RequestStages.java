package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Where in a request the bytes are allocated (for {@link HttpRequestCostBenchmarkTest} with
 * {@code -Dbenchmark.stages=true}): the request thread's allocation counter read at the outermost and innermost
 * filter, before and after the handler, and summed per stage. The JVM's counter is exact, where JFR's allocation
 * samples are not (they weigh a sampled object by the bytes the thread allocated since the last sample).
 */
@TestConfiguration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("benchmark.stages")
class RequestStages {

    static final String[] NAMES = { "outer filters in", "DispatcherServlet to the handler", "handler and response",
        "DispatcherServlet after the handler", "outer filters out" };

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static final AtomicLongArray BYTES = new AtomicLongArray(NAMES.length);

    /** The counter at each point of the current request: outer in, inner in, pre-handle, post-handle, inner out. */
    private static final ThreadLocal<long[]> POINTS = ThreadLocal.withInitial(() -> new long[5]);

    static void reset() {
        for (int i = 0; i < NAMES.length; i++) {
            BYTES.set(i, 0);
        }
    }

    private static void mark(int point) {
        POINTS.get()[point] = THREADS.getCurrentThreadAllocatedBytes();
    }

    @Bean
    FilterRegistrationBean<Filter> outermostStageFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            mark(0);
            chain.doFilter(request, response);
            long[] points = POINTS.get();
            long now = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 4; i++) {
                BYTES.addAndGet(i, points[i + 1] - points[i]);
            }
            BYTES.addAndGet(4, now - points[4]);
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<Filter> innermostStageFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                mark(1);
                chain.doFilter(request, response);
                mark(4);
            }
        });
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        return registration;
    }

    @Bean
    WebMvcConfigurer stageInterceptor() {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new HandlerInterceptor() {
                    @Override
                    public boolean preHandle(HttpServletRequest request, HttpServletResponse response,
                            Object handler) {
                        mark(2);
                        return true;
                    }

                    @Override
                    public void afterCompletion(HttpServletRequest request, HttpServletResponse response,
                            Object handler, Exception ex) {
                        mark(3);
                    }
                });
            }
        };
    }
}
