package io.github.raftspringboot.api;

/**
 * Published as an application event when this node becomes the leader.
 *
 * @param nodeId this node's id
 * @param term   the term it leads
 */
public record RaftLeadershipAcquiredEvent(String nodeId, long term) {
}
