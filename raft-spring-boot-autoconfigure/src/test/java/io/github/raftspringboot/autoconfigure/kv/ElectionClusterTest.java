package io.github.raftspringboot.autoconfigure.kv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.RaftCandidate;
import io.github.raftspringboot.api.RaftElections;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A named election among two of three nodes: exactly one winner at a time (from the recorded wins and defeats),
 * through a resignation and the winner's node stopping; the third node's Raft role plays no part.
 */
class ElectionClusterTest {

    record Event(String node, boolean elected, long token, long at) {
    }

    @Test
    void exactlyOneWinnerAtATimeThroughAResignationAndAStop(@TempDir Path dir) {
        Queue<Event> events = new ConcurrentLinkedQueue<>();
        Duration ttl = Duration.ofSeconds(2);
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            cluster.awaitLeader();
            List<String> candidates = cluster.running().subList(0, 2);
            Map<String, RaftCandidate> campaigns = new HashMap<>();
            for (String node : candidates) {
                campaigns.put(node, cluster.bean(node, RaftElections.class).campaign("billing", ttl,
                        new RaftElections.Listener() {
                            @Override
                            public void elected(RaftCandidate candidate, long fencingToken) {
                                events.add(new Event(node, true, fencingToken, System.nanoTime()));
                            }

                            @Override
                            public void defeated(RaftCandidate candidate) {
                                events.add(new Event(node, false, 0, System.nanoTime()));
                            }
                        }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> winners(campaigns) == 1);
            String first = winner(campaigns);
            String observer = cluster.running().get(2);
            assertThat(cluster.bean(observer, RaftElections.class).leader("billing")).get()
                .satisfies(leader -> assertThat(leader.owner()).startsWith(first + "/"));

            campaigns.get(first).resign();
            String second = candidates.stream().filter(node -> !node.equals(first)).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> campaigns.get(second).isLeader());

            // The winner rejoins, then its node stops: the other candidate wins again.
            campaigns.put(first, cluster.bean(first, RaftElections.class).campaign("billing", ttl,
                    new RaftElections.Listener() {
                        @Override
                        public void elected(RaftCandidate candidate, long fencingToken) {
                            events.add(new Event(first, true, fencingToken, System.nanoTime()));
                        }

                        @Override
                        public void defeated(RaftCandidate candidate) {
                            events.add(new Event(first, false, 0, System.nanoTime()));
                        }
                    }));
            cluster.stop(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> campaigns.get(first).isLeader());
            assertThat(cluster.bean(observer, RaftElections.class).leader("billing")).get()
                .satisfies(leader -> assertThat(leader.owner()).startsWith(first + "/"));
        }

        // Replay: at most one winner at any moment, and each new winner has a higher fencing token.
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort((a, b) -> Long.compare(a.at(), b.at()));
        String current = null;
        long lastToken = 0;
        int wins = 0;
        for (Event event : ordered) {
            if (event.elected()) {
                assertThat(current).as("%s won while %s still held the election", event.node(), current).isNull();
                assertThat(event.token()).isGreaterThan(lastToken);
                current = event.node();
                lastToken = event.token();
                wins++;
            }
            else {
                assertThat(event.node()).isEqualTo(current);
                current = null;
            }
        }
        assertThat(wins).isEqualTo(3);
    }

    private static long winners(Map<String, RaftCandidate> campaigns) {
        return campaigns.values().stream().filter(RaftCandidate::isLeader).count();
    }

    private static String winner(Map<String, RaftCandidate> campaigns) {
        return campaigns.entrySet().stream().filter(entry -> entry.getValue().isLeader()).findFirst().orElseThrow()
            .getKey();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
