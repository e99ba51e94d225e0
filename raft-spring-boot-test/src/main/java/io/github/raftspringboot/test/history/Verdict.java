package io.github.raftspringboot.test.history;

/** The answer of a check. */
public enum Verdict {

    /** Some order of the operations respects real time and the register's rules. */
    LINEARIZABLE,

    /** No such order exists: the store showed clients something no single up-to-date copy could have. */
    NOT_LINEARIZABLE,

    /** The search ran out of its time budget before an answer; the history is neither passed nor failed. */
    UNKNOWN
}
