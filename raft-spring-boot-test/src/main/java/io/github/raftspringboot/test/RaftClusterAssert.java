package io.github.raftspringboot.test;

import java.time.Duration;
import java.util.Optional;

import org.assertj.core.api.AbstractAssert;

import io.github.raftspringboot.api.ReadConsistency;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * AssertJ assertions on a {@link RaftTestCluster}. Each one waits (up to a bound) for the condition, since a
 * cluster reaches agreement some time after the action that changed it.
 *
 * <pre>{@code
 * RaftClusterAssert.assertThat(cluster).hasOneLeader().hasAppliedOnAllNodes(index).hasValueOnAllNodes("k", 1);
 * }</pre>
 */
public final class RaftClusterAssert extends AbstractAssert<RaftClusterAssert, RaftTestCluster> {

    private static final JsonMapper json = JsonMapper.builder().build();

    private RaftClusterAssert(RaftTestCluster cluster) {
        super(cluster, RaftClusterAssert.class);
    }

    public static RaftClusterAssert assertThat(RaftTestCluster cluster) {
        return new RaftClusterAssert(cluster);
    }

    /** Exactly one running node leads and every other running member follows it. */
    public RaftClusterAssert hasOneLeader() {
        isNotNull();
        actual.awaitLeader();
        return this;
    }

    /** Exactly one running node leads, within {@code atMost}. */
    public RaftClusterAssert hasOneLeaderWithin(Duration atMost) {
        isNotNull();
        actual.awaitLeader(atMost);
        return this;
    }

    /** Every running node has applied the log up to {@code index}. */
    public RaftClusterAssert hasAppliedOnAllNodes(long index) {
        isNotNull();
        actual.awaitApplied(index);
        return this;
    }

    /**
     * Every running node holds {@code value} under {@code key} in its own copy of the store (a local read, after the
     * node has applied everything the leader committed so far).
     */
    public RaftClusterAssert hasValueOnAllNodes(String key, Object value) {
        isNotNull();
        String leader = actual.awaitLeader();
        actual.awaitApplied(actual.node(leader).status().commitIndex());
        for (String id : actual.running()) {
            Optional<JsonNode> stored = actual.store(id).get(key, ReadConsistency.LOCAL);
            JsonNode expected = json.valueToTree(value);
            if (stored.isEmpty() || !expected.equals(stored.get())) {
                failWithMessage("Expected node <%s> to hold <%s> under <%s> but it holds <%s>", id, expected, key,
                        stored.orElse(null));
            }
        }
        return this;
    }
}
