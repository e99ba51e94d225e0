package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code raftmanager} launcher's class data archive, with every JDK of this machine (the test's own, and the
 * others under /usr/lib/jvm): the first run trains it (gRPC's classes in it, not only those of the command that ran
 * first) and runs from it, the next ones too, a jar newer than the archive makes a new one, and none of it shows in
 * the command's output or exit status; where the archive cannot be written, or {@code RAFTMANAGER_CDS=off}, the
 * command runs the same without one.
 */
class RaftManagerLauncherIT {

    private static final String MAIN_CLASS_FROM_ARCHIVE =
            "io.github.raftspringboot.admin.cli.RaftManager source: shared objects file (top)";

    private static final String GRPC_CLASS_FROM_ARCHIVE =
            "io.grpc.netty.NettyChannelBuilder source: shared objects file (top)";

    @TempDir
    Path work;

    static Stream<Path> jdks() throws IOException {
        List<Path> homes = new ArrayList<>();
        homes.add(Path.of(System.getProperty("java.home")).toRealPath());
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> entries = Files.list(jvms)) {
                entries.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> Files.isRegularFile(home.resolve("release")))
                    .map(RaftManagerLauncherIT::realPath)
                    .filter(home -> !homes.contains(home))
                    .sorted()
                    .forEach(homes::add);
            }
        }
        return homes.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theClassArchiveIsTrainedOnceUsedByEveryRunAndRenewedForANewerJar(Path javaHome) throws Exception {
        Path launcher = launcher();
        Path archives = work.resolve("cds");
        Run without = run(launcher, javaHome, Map.of("RAFTMANAGER_CDS", "off", "RAFTMANAGER_CDS_DIR", archives.toString()));
        assertThat(archives).doesNotExist();

        // The first run trains the archive (a --version run would hold picocli's classes only), then runs from it.
        Run first = run(launcher, javaHome, Map.of("RAFTMANAGER_CDS_DIR", archives.toString(),
                "JAVA_OPTS", "-Xlog:class+load=info:file=" + work.resolve("first.log")));
        Path archive = onlyArchive(archives);
        assertThat(archive.getFileName().toString()).matches("raftmanager-\\d+[\\d.]*-\\d+\\.jsa");
        assertThat(Files.readString(work.resolve("first.log"))).contains(MAIN_CLASS_FROM_ARCHIVE)
            .contains(GRPC_CLASS_FROM_ARCHIVE);
        FileTime trained = Files.getLastModifiedTime(archive);
        Run next = run(launcher, javaHome, Map.of("RAFTMANAGER_CDS_DIR", archives.toString(),
                "JAVA_OPTS", "-Xlog:class+load=info:file=" + work.resolve("next.log")));
        assertThat(Files.readString(work.resolve("next.log"))).contains(MAIN_CLASS_FROM_ARCHIVE);
        assertThat(Files.getLastModifiedTime(onlyArchive(archives))).isEqualTo(trained);

        // A refused connection: one line on each stream, exit status 1, alike with and without the archive.
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.stdout()).isEqualTo("Invoking Leader()\n");
        assertThat(without.stderr()).startsWith("raftmanager: Leader failed: cannot reach the server");
        assertThat(List.of(first, next)).allSatisfy(run -> assertThat(run).isEqualTo(without));

        // An archive older than the jar (a new build) is trained again rather than left unused.
        FileTime jarTime = Files.getLastModifiedTime(launcher.resolveSibling("raftmanager.jar"));
        Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() - Duration.ofHours(1).toMillis()));
        assertThat(run(launcher, javaHome, Map.of("RAFTMANAGER_CDS_DIR", archives.toString()))).isEqualTo(without);
        assertThat(Files.getLastModifiedTime(onlyArchive(archives))).isGreaterThan(jarTime);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aDirectoryThatCannotHoldTheArchiveChangesNothing(Path javaHome) throws Exception {
        Path notADirectory = Files.writeString(work.resolve("a-file"), "");
        Run run = run(launcher(), javaHome, Map.of("RAFTMANAGER_CDS_DIR", notADirectory.resolve("cds").toString()));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEqualTo("Invoking Leader()\n");
        assertThat(run.stderr()).startsWith("raftmanager: Leader failed: cannot reach the server")
            .doesNotContain("cds").doesNotContain("warning");
    }

    private static Path launcher() {
        Path launcher = SampleJar.projectRoot().resolve("raft-admin-cli/target/raftmanager");
        assumeTrue(Files.isExecutable(launcher), "raftmanager is not built (" + launcher + "): run mvn verify from the root");
        return launcher;
    }

    private static Path onlyArchive(Path archives) throws IOException {
        try (Stream<Path> files = Files.list(archives)) {
            List<Path> all = files.toList();
            assertThat(all).as("the archives in " + archives).hasSize(1);
            return all.get(0);
        }
    }

    /** {@code raftmanager leader} against a port nothing listens on, with the JVM of {@code javaHome}. */
    private Run run(Path launcher, Path javaHome, Map<String, String> environment) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--timeout=5s", "127.0.0.1:" + port, "leader")
            .directory(work.toFile())
            .redirectOutput(work.resolve("out.txt").toFile())
            .redirectError(work.resolve("err.txt").toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("JAVA", javaHome.resolve("bin/java").toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("raftmanager finished").isTrue();
        return new Run(process.exitValue(), Files.readString(work.resolve("out.txt")),
                Files.readString(work.resolve("err.txt")));
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot resolve " + path, ex);
        }
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }
}
