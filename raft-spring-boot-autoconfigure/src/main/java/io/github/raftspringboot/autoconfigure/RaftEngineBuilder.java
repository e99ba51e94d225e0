package io.github.raftspringboot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.atomix.AtomixRaftEngine;

/**
 * What the auto-configured Raft engine is made of, handed to each {@link RaftEngineCustomizer} before the engine is
 * created: the state machine the log drives (to decorate), the peer TLS, and listeners registered before the node
 * starts (so they see its first role). The settings come from {@code raft.*} or the application's
 * {@link RaftNodeSettings} bean and are read-only here, so that every bean sees the same ones.
 */
public final class RaftEngineBuilder {

    private final RaftNodeSettings settings;

    private ReplicatedStateMachine stateMachine;

    private PeerTls peerTls;

    private final List<RaftEngineListener> listeners = new ArrayList<>();

    RaftEngineBuilder(RaftNodeSettings settings, ReplicatedStateMachine stateMachine, PeerTls peerTls) {
        this.settings = settings;
        this.stateMachine = stateMachine;
        this.peerTls = peerTls;
    }

    /** The node's resolved settings. */
    public RaftNodeSettings settings() {
        return settings;
    }

    /** The state machine the log drives (the router over the store's and the application's state machines). */
    public ReplicatedStateMachine stateMachine() {
        return stateMachine;
    }

    /**
     * Wraps the state machine the log drives, e.g. to time or trace each command. The wrapper must hand every call
     * on to the one it wraps, and stay deterministic: every node applies the same commands in the same order.
     */
    public RaftEngineBuilder stateMachine(UnaryOperator<ReplicatedStateMachine> decorator) {
        this.stateMachine = Objects.requireNonNull(decorator.apply(stateMachine),
                "A RaftEngineCustomizer's state machine decorator returned null; return the wrapped state machine");
        return this;
    }

    /** Mutual TLS of the peer port (from {@code raft.tls.*}), or {@code null} for plaintext. */
    public PeerTls peerTls() {
        return peerTls;
    }

    /** Replaces the peer TLS, e.g. with key material from a secret store; {@code null} for plaintext. */
    public RaftEngineBuilder peerTls(PeerTls peerTls) {
        this.peerTls = peerTls;
        return this;
    }

    /** Registers a listener before the node starts, so that it also sees the first role and leader. */
    public RaftEngineBuilder listener(RaftEngineListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    RaftEngine build() {
        RaftEngine engine = new AtomixRaftEngine(settings, stateMachine, peerTls);
        listeners.forEach(engine::addListener);
        return engine;
    }
}
