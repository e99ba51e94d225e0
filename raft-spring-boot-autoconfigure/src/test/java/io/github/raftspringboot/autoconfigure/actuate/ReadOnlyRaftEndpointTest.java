package io.github.raftspringboot.autoconfigure.actuate;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code management.endpoint.raft.access=read-only} keeps the reads and removes every write operation. */
class ReadOnlyRaftEndpointTest {

    @TempDir
    Path dir;

    @Test
    void readOnlyAccessServesReadsAndRefusesWrites() {
        try (HttpNodes nodes = new HttpNodes(dir, 1, Map.of("management.endpoint.raft.access", "read-only"))
            .startAll()) {
            String leader = nodes.awaitLeader();
            assertThat(nodes.get(leader, "/actuator/raft").status()).isEqualTo(200);
            assertThat(nodes.get(leader, "/actuator/raft/configuration").status()).isEqualTo(200);
            long configurationIndex = nodes.node(leader).status().configurationIndex();

            assertThat(nodes.post(leader, "/actuator/raft/snapshot", "{}").status()).isIn(404, 405);
            assertThat(nodes.post(leader, "/actuator/raft/add-voter",
                    "{\"id\":\"node9\",\"address\":\"127.0.0.1:1\"}").status()).isIn(404, 405);
            assertThat(nodes.delete(leader, "/actuator/raft/servers/" + leader).status()).isIn(404, 405);
            assertThat(nodes.node(leader).status().servers()).hasSize(1);
            assertThat(nodes.node(leader).status().configurationIndex()).isEqualTo(configurationIndex);
        }
    }
}
