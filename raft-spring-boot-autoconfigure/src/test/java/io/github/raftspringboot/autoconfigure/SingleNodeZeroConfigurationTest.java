package io.github.raftspringboot.autoconfigure;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.engine.RaftNodeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The seed's promise: no configuration at all gives a working one-node cluster with the seed's defaults. */
class SingleNodeZeroConfigurationTest {

    @Test
    void startsAOneNodeClusterWithTheSeedDefaults() throws Exception {
        String hostName = InetAddress.getLocalHost().getHostName();
        Path defaultStateDir = Path.of(System.getProperty("java.io.tmpdir"), hostName);
        FileSystemUtils.deleteRecursively(defaultStateDir);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestCluster.NodeApplication.class)
            .web(WebApplicationType.NONE)
            .run()) {
            RaftNodeSettings settings = context.getBean(RaftNodeSettings.class);
            assertThat(settings.nodeId()).isEqualTo(hostName);
            assertThat(settings.stateDir()).isEqualTo(defaultStateDir.toAbsolutePath());
            assertThat(settings.bindHost()).isEqualTo("0.0.0.0");
            assertThat(settings.bindPort()).isEqualTo(12000);
            assertThat(settings.advertisePort()).isEqualTo(12000);
            assertThat(settings.peers()).singleElement()
                .satisfies(peer -> assertThat(peer.id()).isEqualTo(hostName));

            RaftNode node = context.getBean(RaftNode.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.status().role() == RaftRole.LEADER);
            RaftKeyValueStore store = context.getBean(RaftKeyValueStore.class);
            store.put("greeting", "hello");
            assertThat(store.get("greeting")).hasValueSatisfying(value -> assertThat(value.asString()).isEqualTo("hello"));
            assertThat(store.get("missing")).isEmpty();
            assertThat(Files.list(defaultStateDir)).isNotEmpty();
        }
        finally {
            FileSystemUtils.deleteRecursively(defaultStateDir);
        }
    }
}
