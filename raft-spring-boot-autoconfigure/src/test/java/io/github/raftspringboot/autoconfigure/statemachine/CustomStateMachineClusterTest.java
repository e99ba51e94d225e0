package io.github.raftspringboot.autoconfigure.statemachine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftStateMachineClient;
import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.test.RaftClusterAssert;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An application's own state machine beside the key-value store on a 3-node cluster: commands from every node,
 * reads at both consistencies, snapshots, a restart from one, and a backup restored over later changes.
 */
class CustomStateMachineClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aCounterRunsBesideTheStoreThroughSnapshotsRestartsAndARestore(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(CounterApplication.class).nodes(3)
            .stateDirectory(dir)
            .start()) {
            String first = cluster.awaitLeader();
            String leader = first;
            assertThat(cluster.bean(leader, RaftStateMachines.class).names()).containsExactly("kv", "counter");

            List<CompletableFuture<RaftStateMachineClient.Applied>> adds = new ArrayList<>();
            for (String id : cluster.running()) {
                RaftStateMachineClient counter = counter(cluster, id);
                for (int i = 0; i < 10; i++) {
                    adds.add(counter.submit(bytes("1")));
                }
                cluster.store(id).put("from-" + id, id);
            }
            adds.forEach(add -> RaftFutures.await(add, WAIT));
            for (String id : cluster.running()) {
                assertThat(value(counter(cluster, id), ReadConsistency.LINEARIZABLE)).isEqualTo(30);
            }
            RaftClusterAssert.assertThat(cluster).hasValueOnAllNodes("from-" + leader, leader);

            assertThatThrownBy(() -> RaftFutures.await(counter(cluster, first).submit(bytes("lots")), WAIT))
                .isInstanceOfSatisfying(RaftException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(RaftException.Reason.INVALID_REQUEST))
                .hasMessageContaining("a command is a whole number to add");

            // Every node writes a snapshot holding both machines; a follower restarts from it and the log.
            for (String id : cluster.running()) {
                RaftFutures.await(cluster.node(id).snapshot(), WAIT);
            }
            String follower = cluster.followers().get(0);
            RaftFutures.await(counter(cluster, leader).submit(bytes("12")), WAIT);
            cluster.restart(follower);
            await().atMost(WAIT).until(() -> value(counter(cluster, follower), ReadConsistency.LOCAL) == 42);
            assertThat(cluster.store(follower).get("from-" + leader, ReadConsistency.LOCAL)).isPresent();

            // A backup holds both machines; restoring it undoes later changes to both.
            leader = cluster.awaitLeader();
            var backup = RaftFutures.await(cluster.node(leader).backup(), WAIT);
            RaftFutures.await(counter(cluster, leader).submit(bytes("100")), WAIT);
            cluster.store(leader).put("after-backup", true);
            RaftFutures.await(cluster.node(leader).restore(backup), WAIT);
            for (String id : cluster.running()) {
                assertThat(value(counter(cluster, id), ReadConsistency.LINEARIZABLE)).isEqualTo(42);
                assertThat(cluster.store(id).get("after-backup")).isEmpty();
            }
        }
    }

    private static RaftStateMachineClient counter(RaftTestCluster cluster, String id) {
        return cluster.bean(id, RaftStateMachines.class).client("counter");
    }

    private static long value(RaftStateMachineClient counter, ReadConsistency consistency) {
        byte[] answer = RaftFutures.await(counter.query(new byte[0], consistency), WAIT);
        return Long.parseLong(new String(answer, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CounterApplication {

        /** Runs beside the key-value store as "counter": its bean name. */
        @Bean
        ReplicatedStateMachine counter() {
            return new CounterStateMachine();
        }
    }
}
