package io.github.raftspringboot.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;

/** Names the {@code raft.*} property that is wrong, why, and what to set instead. */
final class InvalidRaftPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRaftPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRaftPropertyException cause) {
        return new FailureAnalysis("The Raft node is misconfigured. " + cause.getMessage() + ".", cause.action(),
                cause);
    }
}
