package io.github.raftspringboot.engine.atomix;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.partition.PartitionId;
import io.atomix.protocols.raft.RaftClient;
import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * The Raft client a node embeds for its own session: its requests go to the leader this node knows of
 * ({@link LeaderAwaitingClientProtocol}) over the peer transport, and its session work runs on the threads that hand
 * it over ({@link CallerRunsThreadContexts}), whose timer thread stops when the client closes.
 */
final class EmbeddedClient {

    private static final PartitionId PARTITION = PartitionId.from("raft", 1);

    private final CallerRunsThreadContexts contexts;

    private final RaftClient client;

    /** Builds the client (it connects when the session opens); on failure its timer thread is stopped again. */
    EmbeddedClient(RaftNodeSettings settings, MemberId localId, GrpcRaftTransport transport, RaftContext context) {
        this.contexts = new CallerRunsThreadContexts("raft-client-" + settings.nodeId() + "-timer");
        try {
            // The client's session work runs on the threads that hand it over (no pool hop per request); callbacks
            // of the public API are moved off them again (ApiCallbacks).
            this.client = RaftClient.builder(ClusterJoin.memberIds(settings))
                .withClientId(settings.nodeId())
                .withMemberId(localId)
                .withPartitionId(PARTITION)
                .withProtocol(new LeaderAwaitingClientProtocol(transport.clientProtocol(), context,
                        settings.electionTimeout().multipliedBy(4), settings.heartbeatInterval(),
                        settings.requestTimeout()))
                .withThreadContextFactory(contexts)
                .build();
        }
        catch (RuntimeException ex) {
            contexts.close();
            throw ex;
        }
    }

    RaftClient client() {
        return client;
    }

    /** Closes the client, waited for within its own bound of the stop, then its timer thread. */
    void close(BoundedStop bounded, long deadline, long step) {
        bounded.await(client.close(), Math.min(deadline, System.nanoTime() + step), "close the Raft client");
        contexts.close();
    }

    /** After a failed open: the client never connected, so only its timer thread is stopped. */
    void discard() {
        contexts.close();
    }
}
