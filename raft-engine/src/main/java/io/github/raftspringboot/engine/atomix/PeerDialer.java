package io.github.raftspringboot.engine.atomix;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the address this node dials to reach a peer. Members are known cluster-wide by the address each
 * advertises (replicated through the log); a node behind a NAT, a proxy or a tunnel may have to reach a peer somewhere
 * else, and only for itself. A dial override, by peer id, changes where this node connects and nothing else: the
 * address the cluster records for the peer, the TLS identity checked, and what other nodes dial stay the same.
 */
final class PeerDialer {

    private static final Logger logger = LoggerFactory.getLogger(PeerDialer.class);

    private final Map<String, String> overrides;

    /** @param overrides {@code host:port} by peer id, already validated */
    PeerDialer(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
        this.overrides.forEach((id, address) -> logger.info("Dialling Raft peer '{}' at {} (dial override)", id,
                address));
    }

    /** The override for {@code peerId}, else {@code advertised} (which may be {@code null} when unknown). */
    String dialAddress(String peerId, String advertised) {
        String override = overrides.get(peerId);
        return (override != null) ? override : advertised;
    }
}
