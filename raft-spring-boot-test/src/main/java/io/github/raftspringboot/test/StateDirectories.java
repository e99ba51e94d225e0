package io.github.raftspringboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

/** The temporary directory a {@link RaftTestCluster} keeps its nodes' state in when the test gives none. */
final class StateDirectories {

    private StateDirectories() {
    }

    static Path createTemporary() {
        try {
            return Files.createTempDirectory("raft-test-cluster-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create a temporary directory for the nodes' state", ex);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not delete the cluster's state directory " + dir, ex);
        }
    }
}
