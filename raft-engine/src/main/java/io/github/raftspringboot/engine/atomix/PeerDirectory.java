package io.github.raftspringboot.engine.atomix;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.raftspringboot.api.RaftPeer;

/**
 * Where each member can be reached. Atomix's Raft names members by id only; addresses come from
 * {@code raft.peers}, from AddVoter/AddNonvoter calls, and from address records replicated through the log
 * (so every node, a later joiner included, learns them).
 */
final class PeerDirectory {

    private final String localId;

    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    private final PeerDialer dialer;

    PeerDirectory(String localId, String localAddress, Iterable<RaftPeer> peers) {
        this(localId, localAddress, peers, Map.of());
    }

    /** @param dialOverrides the address to dial instead of a peer's own, by peer id ({@link PeerDialer}) */
    PeerDirectory(String localId, String localAddress, Iterable<RaftPeer> peers, Map<String, String> dialOverrides) {
        this.localId = localId;
        this.dialer = new PeerDialer(dialOverrides);
        for (RaftPeer peer : peers) {
            addresses.put(peer.id(), peer.address());
        }
        addresses.put(localId, localAddress);
    }

    String localId() {
        return localId;
    }

    /** The address of {@code id}, or {@code null} when unknown. */
    String addressOf(String id) {
        return addresses.get(id);
    }

    /**
     * Where this node opens connections to {@code id}: its dial override if it has one, else its address; {@code null}
     * when unknown.
     */
    String dialAddressOf(String id) {
        return dialer.dialAddress(id, addresses.get(id));
    }

    void put(String id, String address) {
        if (!id.equals(localId)) {
            addresses.put(id, address);
        }
    }

    /** A copy of every known address. */
    Map<String, String> snapshot() {
        return Map.copyOf(addresses);
    }
}
