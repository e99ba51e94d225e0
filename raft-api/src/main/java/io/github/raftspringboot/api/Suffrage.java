package io.github.raftspringboot.api;

/** Whether a server votes, as in hashicorp/raft. */
public enum Suffrage {
    /** Votes in elections and counts towards the commit majority. */
    VOTER,
    /** Receives the log but does not vote. */
    NONVOTER,
    /** Being caught up before it becomes a voter. */
    STAGING
}
