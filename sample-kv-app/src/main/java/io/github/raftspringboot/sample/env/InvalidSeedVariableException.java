package io.github.raftspringboot.sample.env;

/** An environment variable of the Raft Starter seed has a value the service cannot start with. */
public class InvalidSeedVariableException extends RuntimeException {

    private final String variable;

    private final String action;

    public InvalidSeedVariableException(String variable, String value, String reason, String action) {
        super("Invalid value '" + value + "' for environment variable " + variable + ": " + reason);
        this.variable = variable;
        this.action = action;
    }

    /** The name of the variable that is wrong. */
    public String variable() {
        return variable;
    }

    /** What to set instead. */
    public String action() {
        return action;
    }
}
