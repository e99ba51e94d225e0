package io.github.raftspringboot.api;

import java.time.Instant;
import java.util.List;

/**
 * A consistent-enough snapshot of the local node's Raft state, taken at {@link #timestamp()}.
 *
 * @param nodeId            this node's id
 * @param address           this node's advertised Raft address
 * @param role              this node's role
 * @param term              the current term
 * @param leader            the leader as this node knows it, or {@code null}
 * @param commitIndex       the highest log index known to be committed
 * @param appliedIndex      the highest log index applied to this node's state machine
 * @param lastLogIndex      the index of the last entry in this node's log
 * @param lastLogTerm       the term of the last entry in this node's log
 * @param lastSnapshotIndex the index of the newest snapshot, 0 when none
 * @param lastSnapshotTerm  the term of the newest snapshot, 0 when none
 * @param lastContact       when this node last heard from a leader; {@code null} on the leader or if never
 * @param configurationIndex the log index of the current cluster configuration
 * @param servers           the current cluster configuration
 * @param timestamp         when this status was taken
 */
public record RaftNodeStatus(String nodeId, String address, RaftRole role, long term, RaftServerInfo leader,
        long commitIndex, long appliedIndex, long lastLogIndex, long lastLogTerm, long lastSnapshotIndex,
        long lastSnapshotTerm, Instant lastContact, long configurationIndex, List<RaftServerInfo> servers,
        Instant timestamp) {
}
