package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the executable jar and the repository are, and free ports to run nodes on. */
final class SampleJar {

    private SampleJar() {
    }

    /** The jar Maven's {@code package} phase built (Failsafe passes its path). */
    static Path jar() {
        String configured = System.getProperty("sample.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("sample-kv-app-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "No sample-kv-app jar in target/: run the integration tests with mvn verify"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The repository's root directory. */
    static Path projectRoot() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
