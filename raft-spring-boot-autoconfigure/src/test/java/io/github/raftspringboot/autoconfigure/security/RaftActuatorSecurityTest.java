package io.github.raftspringboot.autoconfigure.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.github.raftspringboot.autoconfigure.actuate.RaftEndpoint;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * A real node with Actuator and Spring Security (Boot's defaults plus two users): the {@code raft} endpoint's
 * writes and backup download need {@code RAFT_ADMIN}, its reads keep Boot's default rules; and without Spring
 * Security no chain is added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaftActuatorSecurityTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConfigurableApplicationContext node;

    @BeforeAll
    void startNode(@TempDir Path dir) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", FreePorts.next());
        properties.put("server.address", "127.0.0.1");
        properties.put("management.endpoints.web.exposure.include", "health,raft");
        properties.put("spring.jmx.enabled", "false");
        properties.put("raft.node-id", "secure1");
        properties.put("raft.port", TestCluster.freePort());
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        properties.put("raft.state-dir", dir.toString());
        properties.putAll(TestCluster.fastTimings());
        node = new SpringApplicationBuilder(SecuredApplication.class).web(WebApplicationType.SERVLET)
            .properties(properties)
            // Above the test application.properties, which leaves Spring Security out for the other tests.
            .run("--spring.autoconfigure.exclude=");
        await().atMost(Duration.ofSeconds(30))
            .until(() -> node.getBean(io.github.raftspringboot.api.RaftNode.class).status().role() == RaftRole.LEADER);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void writeOperationsWithoutCredentialsAre401ProblemDetails() {
        HttpResponse<String> response = send("POST", "/actuator/raft/snapshot", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":401").contains("RAFT_ADMIN");
        assertThat(send("DELETE", "/actuator/raft/nobody", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/actuator/raft/snapshot", basic("admin", "wrong-password")).statusCode())
            .isEqualTo(401);
    }

    @Test
    void writeOperationsWithoutTheAuthorityAre403() {
        HttpResponse<String> response = send("POST", "/actuator/raft/snapshot", basic("viewer", "viewer-pw"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"status\":403").contains("RAFT_ADMIN");
        assertThat(send("DELETE", "/actuator/raft/nobody", basic("viewer", "viewer-pw")).statusCode())
            .isEqualTo(403);
    }

    @Test
    void writeOperationsWithTheAuthoritySucceed() {
        HttpResponse<String> response = send("POST", "/actuator/raft/snapshot", basic("admin", "admin-pw"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"operation\":\"snapshot\"");
    }

    @Test
    void theBackupDownloadNeedsTheAuthority() {
        assertThat(send("GET", "/actuator/raft/backup", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/raft/backup", basic("viewer", "viewer-pw")).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/actuator/raft/backup", basic("admin", "admin-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void readsKeepTheApplicationsOwnRules() {
        // Boot's default chain is still there: any authenticated user may read, anonymous callers may not.
        assertThat(send("GET", "/actuator/raft", null).statusCode()).isEqualTo(401);
        HttpResponse<String> read = send("GET", "/actuator/raft", basic("viewer", "viewer-pw"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"id\":\"secure1\"");
        assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void nothingIsAddedWithoutSpringSecurityOrWhenSwitchedOff() {
        WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RaftActuatorSecurityAutoConfiguration.class))
            .withBean(RaftEndpoint.class, () -> mock(RaftEndpoint.class));
        runner.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SecurityFilterChain.class));
        runner.withPropertyValues("raft.actuator.security.enabled=false")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SecurityFilterChain.class));
        assertThat(node.getBeansOfType(SecurityFilterChain.class)).containsKey("raftAdminSecurityFilterChain")
            .hasSizeGreaterThan(1);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        String port = node.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class SecuredApplication {

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("admin").password("{noop}admin-pw").authorities("RAFT_ADMIN").build(),
                    User.withUsername("viewer").password("{noop}viewer-pw").authorities("METRICS").build());
        }
    }
}
