package io.github.raftspringboot.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Claims the state directory for one node id: creates it, checks it is writable, and refuses a directory
 * written by a node with another id (two nodes sharing a directory, or a renamed node, would corrupt the log).
 */
public final class StateDirectory {

    static final String NODE_ID_FILE = "node-id";

    private StateDirectory() {
    }

    public static void claim(Path directory, String nodeId) {
        try {
            Files.createDirectories(directory);
        }
        catch (IOException ex) {
            throw notWritable(directory, ex);
        }
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw notWritable(directory, null);
        }
        Path marker = directory.resolve(NODE_ID_FILE);
        try {
            if (Files.exists(marker)) {
                String owner = Files.readString(marker, StandardCharsets.UTF_8).trim();
                if (!owner.equals(nodeId)) {
                    throw new RaftStartupException(RaftStartupException.Problem.STATE_DIR_OF_ANOTHER_NODE,
                            "The Raft state directory " + directory + " belongs to node '" + owner
                                    + "', but this node's id is '" + nodeId + "'.",
                            "Give each node its own raft.state-dir, or set raft.node-id back to '" + owner
                                    + "'. To reuse the directory for a new node, delete it first (its data is lost).",
                            null);
                }
            }
            else {
                Files.writeString(marker, nodeId + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            }
        }
        catch (IOException ex) {
            throw notWritable(directory, ex);
        }
    }

    private static RaftStartupException notWritable(Path directory, Exception cause) {
        return new RaftStartupException(RaftStartupException.Problem.STATE_DIR_NOT_WRITABLE,
                "The Raft state directory " + directory + " cannot be created or written"
                        + ((cause != null) ? " (" + cause + ")" : "") + ".",
                "Set raft.state-dir (or STATE_DIR) to a directory this process can write, or fix its permissions.",
                cause);
    }
}
