package io.github.raftspringboot.api;

/** The role of a Raft node. */
public enum RaftRole {
    /** Elected leader: it orders every write. */
    LEADER,
    /** A voter following the leader. */
    FOLLOWER,
    /** A voter asking the others for votes. */
    CANDIDATE,
    /** A non-voter: it receives the log but neither votes nor counts towards a majority. */
    NON_VOTER,
    /** Not (yet) part of a cluster: waiting to be added, or removed. */
    INACTIVE,
    /** Raft stopped on this node. */
    SHUTDOWN
}
