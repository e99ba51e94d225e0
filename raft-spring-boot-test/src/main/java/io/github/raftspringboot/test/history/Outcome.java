package io.github.raftspringboot.test.history;

/** How a client saw an operation end. */
public enum Outcome {

    /** The store answered: the operation took effect, and its result is known. */
    OK,

    /**
     * The store answered that the operation did not and will not take effect (e.g. a refusal before it was
     * proposed); the checker drops it. Record {@link #INFO} instead whenever there is any doubt.
     */
    FAIL,

    /**
     * Indeterminate, e.g. a timeout or a lost connection: the operation may have taken effect, at any time after
     * its invocation, even after everything else; its result is unknown. Operations still pending when the
     * history is taken count as this.
     */
    INFO
}
