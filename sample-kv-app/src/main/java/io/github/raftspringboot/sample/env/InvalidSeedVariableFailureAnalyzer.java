package io.github.raftspringboot.sample.env;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Names the environment variable that is wrong, why, and what to set instead. */
final class InvalidSeedVariableFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSeedVariableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSeedVariableException cause) {
        return new FailureAnalysis(cause.getMessage() + ".", cause.action(), cause);
    }
}
