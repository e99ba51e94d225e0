package io.github.raftspringboot.sample.it;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/** Waits, through each node's {@code GET /status}, until the sample's node processes agree on one leader. */
final class AgreedLeader {

    private AgreedLeader() {
    }

    /** Waits until one node leads and every other node follows it; returns the leader's id. */
    static String awaitAmong(Iterable<NodeProcess> nodes) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            String leader = null;
            for (NodeProcess node : nodes) {
                JsonNode status = node.http().statusOrNull();
                if (status == null || status.get("leader") == null || status.get("leader").isNull()) {
                    return null;
                }
                String seen = status.get("leader").get("id").asString();
                if (leader != null && !leader.equals(seen)) {
                    return null;
                }
                leader = seen;
            }
            return leader;
        }, found -> found != null);
    }
}
