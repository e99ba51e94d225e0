package io.github.raftspringboot.sample.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.context.support.RequestHandledEvent;
import org.springframework.boot.webmvc.actuate.endpoint.web.WebMvcEndpointHandlerMapping;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The work the sample's HTTP layer leaves out of every request (docs/benchmarks.md, "The HTTP layer"): each of these
 * cost CPU and allocations per request and served nobody.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=overhead-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "spring.grpc.server.port=0" })
class HttpRequestOverheadTest extends OneNodeHttpFixture {

    @Autowired
    ConfigurableApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RequestMappingHandlerAdapter handlerAdapter;

    @Autowired
    DispatcherServlet dispatcherServlet;

    @Test
    void aKeepAliveConnectionIsNotClosedAfterAHundredRequests() throws Exception {
        try (KeepAliveHttp http = new KeepAliveHttp(port)) {
            byte[] read = http.request("GET", "/key/overhead?consistency=local", null);
            for (int i = 0; i < 250; i++) {
                KeepAliveHttp.Reply reply = http.send(read);
                assertThat(reply.status()).isEqualTo(200);
                assertThat(reply.head()).doesNotContainIgnoringCase("Connection: close");
            }
            assertThat(http.reconnects()).isZero();
        }
    }

    @Test
    void noEventIsPublishedForEachRequest() throws Exception {
        List<RequestHandledEvent> events = new CopyOnWriteArrayList<>();
        ApplicationListener<RequestHandledEvent> listener = events::add;
        context.addApplicationListener(listener);
        try (KeepAliveHttp http = new KeepAliveHttp(port)) {
            for (int i = 0; i < 3; i++) {
                assertThat(http.send(http.request("GET", "/key/overhead?consistency=local", null)).status())
                    .isEqualTo(200);
            }
        }
        finally {
            context.removeApplicationListener(listener);
        }
        // The event would be published at the end of each request's processing, which may come after its answer is
        // sent, but a connection's next request is processed only after that: the first two had theirs by now.
        assertThat(events).isEmpty();
    }

    @Test
    void requestsAreTimedWithoutALongTaskTimerEach() throws Exception {
        try (KeepAliveHttp http = new KeepAliveHttp(port)) {
            assertThat(http.send(http.request("GET", "/key/overhead?consistency=local", null)).status())
                .isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> meters.find("http.server.requests").timer() != null);
        assertThat(meters.find("http.server.requests.active").longTaskTimer()).isNull();
    }

    @Test
    void jsonRequestBodiesAreReadWhole() {
        List<HttpMessageConverter<?>> jsonConverters = handlerAdapter.getMessageConverters().stream()
            .filter(JacksonJsonHttpMessageConverter.class::isInstance)
            .toList();
        assertThat(jsonConverters).isNotEmpty();
        assertThat(jsonConverters.get(0)).isInstanceOf(WholeBodyJsonConverter.class);
    }

    @Test
    void theApiIsLookedUpBeforeTheActuator() throws Exception {
        try (KeepAliveHttp http = new KeepAliveHttp(port)) {
            // The first request initializes the DispatcherServlet, which sorts its handler mappings then.
            assertThat(http.send(http.request("GET", "/key/overhead?consistency=local", null)).status())
                .isEqualTo(200);
            // The Actuator still answers its paths.
            assertThat(http.send(http.request("GET", "/actuator/health", null)).body()).contains("\"status\"");
        }
        List<HandlerMapping> mappings = dispatcherServlet.getHandlerMappings();
        int api = indexOf(mappings, RequestMappingHandlerMapping.class);
        int actuator = indexOf(mappings, WebMvcEndpointHandlerMapping.class);
        assertThat(api).isNotNegative().isLessThan(actuator);
    }

    private static int indexOf(List<HandlerMapping> mappings, Class<?> type) {
        for (int i = 0; i < mappings.size(); i++) {
            if (mappings.get(i).getClass() == type) {
                return i;
            }
        }
        return -1;
    }
}
