package io.github.raftspringboot.api;

/**
 * Published as an application event when this node stops being the leader (a newer term, a transfer,
 * removal, or shutdown).
 *
 * @param nodeId this node's id
 * @param term   the term at the time leadership was lost
 */
public record RaftLeadershipLostEvent(String nodeId, long term) {
}
