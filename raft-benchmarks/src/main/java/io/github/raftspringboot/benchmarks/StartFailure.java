package io.github.raftspringboot.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmark says when its clusters did not start: what went wrong, and the end of every server's log. */
final class StartFailure {

    private StartFailure() {
    }

    /**
     * {@code ex}'s message and its causes' (a Spring context's say what went wrong), then the last lines of each
     * server's log, and of the in-process member's log {@code memberLog} when there is one.
     */
    static String describe(Throwable ex, List<ServerProcess> servers, Path memberLog) {
        StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ")
                .append(cause.getMessage());
        }
        for (ServerProcess server : servers) {
            text.append("\n--- the end of ").append(server.name()).append("'s log ---\n").append(server.tail(15));
        }
        if (memberLog != null && Files.exists(memberLog)) {
            text.append("\n--- the end of the in-process member node1's log ---\n")
                .append(ServerProcess.tail(memberLog, 30));
        }
        return text.toString();
    }
}
