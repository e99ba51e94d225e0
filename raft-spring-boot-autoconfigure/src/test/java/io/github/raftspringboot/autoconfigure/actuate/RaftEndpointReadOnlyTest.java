package io.github.raftspringboot.autoconfigure.actuate;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.autoconfigure.actuate.WebCluster.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code management.endpoint.raft.access=read-only} keeps the reads and refuses every write over HTTP. */
class RaftEndpointReadOnlyTest {

    @TempDir
    Path dir;

    @Test
    void readOnlyAccessRefusesWrites() {
        try (WebCluster cluster = WebCluster.start(1, dir, Map.of("management.endpoint.raft.access", "read-only"))) {
            String leader = cluster.awaitLeader();
            Response status = cluster.get(leader, "/actuator/raft");
            assertThat(status.status()).as(status.text()).isEqualTo(200);
            assertThat(status.body().path("role").asString()).isEqualTo("LEADER");
            assertThat(cluster.get(leader, "/actuator/raft/leader").body().path("id").asString()).isEqualTo(leader);

            assertThat(cluster.post(leader, "/actuator/raft/remove", "{\"id\":\"node1\"}").status()).isIn(404, 405);
            assertThat(cluster.post(leader, "/actuator/raft/snapshot", "").status()).isIn(404, 405);
            assertThat(cluster.delete(leader, "/actuator/raft/node1").status()).isIn(404, 405);
            assertThat(cluster.node(leader).status().servers()).extracting(RaftServerInfo::id).containsExactly("node1");
        }
    }
}
