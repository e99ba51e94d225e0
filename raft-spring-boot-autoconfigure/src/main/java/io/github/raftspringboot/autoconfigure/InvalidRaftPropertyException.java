package io.github.raftspringboot.autoconfigure;

/** A {@code raft.*} property has a value the node cannot start with. */
public class InvalidRaftPropertyException extends RuntimeException {

    private final String property;

    private final String value;

    private final String action;

    public InvalidRaftPropertyException(String property, Object value, String reason, String action) {
        super("Invalid value '" + value + "' for " + property + ": " + reason);
        this.property = property;
        this.value = String.valueOf(value);
        this.action = action;
    }

    public String property() {
        return property;
    }

    public String value() {
        return value;
    }

    public String action() {
        return action;
    }
}
