package io.github.raftspringboot.engine;

/**
 * The node could not start for a reason the operator must fix. A Spring Boot failure analyzer turns it into a
 * description and an action.
 */
public class RaftStartupException extends RuntimeException {

    private final Problem problem;

    private final String action;

    public RaftStartupException(Problem problem, String description, String action, Throwable cause) {
        super(description, cause);
        this.problem = problem;
        this.action = action;
    }

    public Problem problem() {
        return problem;
    }

    /** What the operator should change. */
    public String action() {
        return action;
    }

    /** The start-up problems the engine detects. */
    public enum Problem {
        PORT_IN_USE, STATE_DIR_NOT_WRITABLE, STATE_DIR_OF_ANOTHER_NODE, STATE_DIR_OF_ANOTHER_CLUSTER, STATE_DIR_DAMAGED,
        JVM_OPTIONS_MISSING, JVM_OPTION_INVALID,
        ENGINE_FAILED
    }
}
