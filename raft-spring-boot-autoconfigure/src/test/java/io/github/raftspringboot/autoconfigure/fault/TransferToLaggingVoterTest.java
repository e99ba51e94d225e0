package io.github.raftspringboot.autoconfigure.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leadership transfer to a voter that missed entries (cut off while they were committed) waits for it to catch up
 * before it asks it to stand: Atomix's own transfer lets the leader step down once its entries are committed by any
 * majority, and a target without them then loses its election to the voters that have them.
 */
class TransferToLaggingVoterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theTargetThatMissedEntriesCatchesUpAndTakesOver() throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .start()) {
            String leader = cluster.awaitLeader();
            String target = cluster.followers().get(0);
            cluster.store(leader).put("before", 0);
            await().atMost(WAIT).until(() -> cluster.node(target).status().appliedIndex()
                    >= cluster.node(leader).status().appliedIndex());

            cluster.network().isolate(target);
            for (int i = 0; i < 50; i++) {
                cluster.store(leader).put("k" + i, i);
            }
            long missed = cluster.node(leader).status().appliedIndex();
            assertThat(cluster.node(target).status().appliedIndex()).isLessThan(missed);
            cluster.network().heal();

            cluster.node(leader).transferLeadership(target).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> cluster.node(target).status().role() == RaftRole.LEADER);
            assertThat(cluster.awaitLeader()).isEqualTo(target);
            assertThat(cluster.node(target).status().appliedIndex()).isGreaterThanOrEqualTo(missed);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PlainApplication {
    }
}
