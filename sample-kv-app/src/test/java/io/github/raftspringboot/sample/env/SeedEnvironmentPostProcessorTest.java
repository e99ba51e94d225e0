package io.github.raftspringboot.sample.env;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeedEnvironmentPostProcessorTest {

    @Test
    void mapsEverySeedVariableToItsProperty() {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_ID", "node1");
        env.put("STATE_DIR", "/var/lib/kv");
        env.put("KV_STORE", "boltdb");
        env.put("HTTP_ADDR", "127.0.0.1");
        env.put("HTTP_PORT", "11001");
        env.put("RAFT_ADDR", "0.0.0.0");
        env.put("RAFT_PORT", "12001");
        env.put("RAFT_ADVERTISE_ADDR", "10.0.0.1");
        env.put("RAFT_ADVERTISE_PORT", "32001");
        env.put("PEERS", "node1@10.0.0.1:32001,node2@10.0.0.2:12000");

        assertThat(SeedEnvironmentPostProcessor.map(env::get)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "raft.node-id", "node1", "raft.state-dir", "/var/lib/kv", "raft.storage", "disk", "server.address",
                "127.0.0.1", "server.port", 11001, "raft.bind-address", "0.0.0.0", "raft.port", 12001,
                "raft.advertise-address", "10.0.0.1", "raft.advertise-port", 32001, "raft.peers",
                "node1@10.0.0.1:32001,node2@10.0.0.2:12000"));
    }

    @Test
    void everyVariableOfTheSeedIsMapped() {
        assertThat(SeedEnvironmentPostProcessor.VARIABLES).containsOnlyKeys("NODE_ID", "STATE_DIR", "KV_STORE",
                "HTTP_ADDR", "HTTP_PORT", "RAFT_ADDR", "RAFT_PORT", "RAFT_ADVERTISE_ADDR", "RAFT_ADVERTISE_PORT",
                "PEERS", "RAFT_ADMIN_TOKEN");
    }

    @Test
    void theAdminTokenIsMappedAndABadOneIsNotRepeatedInTheError() {
        assertThat(SeedEnvironmentPostProcessor.map(Map.of("RAFT_ADMIN_TOKEN", "0a1b2c3d")::get))
            .containsExactly(Map.entry("sample.security.admin-token", "0a1b2c3d"));
        assertThatExceptionOfType(InvalidSeedVariableException.class)
            .isThrownBy(() -> SeedEnvironmentPostProcessor.map(Map.of("RAFT_ADMIN_TOKEN", "my secret")::get))
            .withMessageContaining("RAFT_ADMIN_TOKEN")
            .withMessageNotContaining("secret");
    }

    @Test
    void unsetAndEmptyVariablesKeepTheDefaults() {
        assertThat(SeedEnvironmentPostProcessor.map(Map.of("NODE_ID", " ", "PEERS", "")::get)).isEmpty();
    }

    @Test
    void kvStoreAcceptsTheSeedsNamesAndOurs() {
        assertThat(SeedEnvironmentPostProcessor.map(Map.of("KV_STORE", "memory")::get))
            .containsEntry("raft.storage", "memory");
        assertThat(SeedEnvironmentPostProcessor.map(Map.of("KV_STORE", "DISK")::get))
            .containsEntry("raft.storage", "disk");
    }

    @Test
    void invalidValuesNameTheVariable() {
        assertInvalid("KV_STORE", "redis", "it must be boltdb (or disk) or memory");
        assertInvalid("HTTP_PORT", "http", "it is not a number");
        assertInvalid("RAFT_PORT", "70000", "a port must be between 1 and 65535");
        assertInvalid("RAFT_ADVERTISE_PORT", "0", "a port must be between 1 and 65535");
        assertInvalid("NODE_ID", "node 1", "not a valid node id");
        assertInvalid("PEERS", "node1@10.0.0.1:12000,node2", "must have the form id@host:port");
        assertInvalid("PEERS", "node1@10.0.0.1", "must have the form host:port");
    }

    @Test
    void seedNamesRankBelowSpringNamesInTheEnvironment() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("NODE_ID", "from-seed-name", "RAFT_PORT", "12005", "HTTP_PORT", "11005",
                                    "SERVER_PORT", "11009")));
        environment.getPropertySources()
            .addLast(new MapPropertySource("applicationProperties", Map.of("server.port", "11000")));

        new SeedEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("raft.node-id")).isEqualTo("from-seed-name");
        assertThat(environment.getProperty("raft.port")).isEqualTo("12005");
        // SERVER_PORT is Spring's own name for the same setting: it wins over the seed's HTTP_PORT.
        assertThat(environment.getProperty("server.port")).isEqualTo("11009");
    }

    @Test
    void seedNamesWinOverApplicationProperties() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("HTTP_PORT", "11005")));
        environment.getPropertySources()
            .addLast(new MapPropertySource("applicationProperties", Map.of("server.port", "11000")));

        new SeedEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("server.port")).isEqualTo("11005");
    }

    @Test
    void nodeIdDefaultsToTheHostNameForEveryLogLine() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of()));

        new SeedEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("raft.node-id")).isNotBlank();
        assertThat(environment.getPropertySources().get(SeedEnvironmentPostProcessor.DEFAULTS_PROPERTY_SOURCE_NAME))
            .isNotNull();
    }

    private static void assertInvalid(String variable, String value, String reason) {
        assertThatThrownBy(() -> SeedEnvironmentPostProcessor.map(Map.of(variable, value)::get))
            .isInstanceOfSatisfying(InvalidSeedVariableException.class,
                    ex -> assertThat(ex.variable()).isEqualTo(variable))
            .hasMessageContaining("environment variable " + variable)
            .hasMessageContaining(reason);
    }
}
