package io.github.raftspringboot.engine.atomix;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * What a leader does around the requests Atomix's server sends its followers: the answers that confirm a read index
 * are counted, the leader's log sync starts as entries go out, and snapshots go only to the followers that need them,
 * sent our own way. One wrapped transport for Atomix's server, built before its context and attached to it after.
 */
final class LeaderSendPath implements AutoCloseable {

    /** The followers' answers to this node's append requests, which confirm a leader's read index. */
    private final AppendAcknowledgements acknowledgements = new AppendAcknowledgements();

    /** Which followers the leader sends its snapshot to. */
    private final SnapshotInstalls installs = new SnapshotInstalls();

    /** How the leader sends its snapshot to a follower. */
    private final SnapshotPush push;

    /** The leader's fsync of its log, started when its entries go out to the followers. */
    private final LeaderLogSync leaderLogSync;

    private final RaftServerProtocol protocol;

    LeaderSendPath(RaftNodeSettings settings, RaftServerProtocol transport, EngineMeasurements measurements,
            LongOperations operations) {
        this.leaderLogSync = new LeaderLogSync(settings.nodeId(), measurements::leaderLogSynced);
        this.push = new SnapshotPush(settings.nodeId(), operations);
        // The installs decide which followers get the snapshot, the push sends it.
        RaftServerProtocol wrapped = installs.wrap(push.wrap(acknowledgements.wrap(transport)));
        // A node in memory has no log file to sync.
        this.protocol = settings.inMemory() ? wrapped : leaderLogSync.wrap(wrapped);
    }

    /** The transport Atomix's server is to send with. */
    RaftServerProtocol protocol() {
        return protocol;
    }

    /** Once the context is built: the installs and the push read its state, the sync its log's segments. */
    void attach(RaftContext context, SegmentMappings segmentMappings) {
        leaderLogSync.readSegmentsWith(segmentMappings::writersSegmentToSync);
        installs.attach(context);
        push.attach(context);
    }

    AppendAcknowledgements acknowledgements() {
        return acknowledgements;
    }

    SnapshotInstalls installs() {
        return installs;
    }

    @Override
    public void close() {
        push.close();
        leaderLogSync.close();
    }
}
