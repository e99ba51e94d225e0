package io.github.raftspringboot.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.raftspringboot.engine.RaftStartupException;

/** Explains why the Raft node could not start (port in use, state directory, JVM flags) and what to change. */
final class RaftStartupFailureAnalyzer extends AbstractFailureAnalyzer<RaftStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RaftStartupException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
