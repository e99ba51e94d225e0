package io.github.raftspringboot.api;

/**
 * Published as an application event on every node when the node learns of a new leader, or loses track of
 * the leader ({@code leaderId == null}, e.g. during an election).
 *
 * @param nodeId        this node's id
 * @param leaderId      the new leader's id, or {@code null} when no leader is known
 * @param leaderAddress the new leader's Raft address, or {@code null}
 * @param term          the term the leader was elected in (or the current term when none is known)
 */
public record RaftLeaderChangedEvent(String nodeId, String leaderId, String leaderAddress, long term) {

    /** Whether this node is the new leader. */
    public boolean isLocalLeader() {
        return nodeId.equals(leaderId);
    }
}
