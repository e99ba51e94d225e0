package io.github.raftspringboot.sample.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a documented command as a user would: {@code bash -c} in the document's working directory, with
 * {@code raftmanager} on the {@code PATH} (the built CLI) and a {@code .curlrc} that makes every curl report its HTTP
 * status on standard error, so that a 4xx/5xx is seen even without {@code -f}.
 */
final class Shell {

    private static final String STATUS_MARK = "docs-test-http-status:";

    private static final Pattern STATUS = Pattern.compile(Pattern.quote(STATUS_MARK) + "(\\d{3})");

    private static final long TIMEOUT_SECONDS = 90;

    private final Path workDir;

    private final Path binDir;

    /**
     * @param workDir where the commands run (the files they write stay there)
     * @param classArchive a class data archive for raftmanager, shared by every document: the first run writes it,
     * later ones start in about half the CPU time
     */
    Shell(Path workDir, Path classArchive) {
        this.workDir = workDir;
        this.binDir = workDir.resolve(".docs-test");
        try {
            Files.createDirectories(binDir);
            Files.writeString(binDir.resolve(".curlrc"), "write-out = \"%{stderr}" + STATUS_MARK + "%{http_code}\\n\"\n");
            Path launcher = binDir.resolve("raftmanager");
            Files.writeString(launcher, "#!/bin/sh\narchive='" + classArchive + "'\n"
                    + "if [ -f \"$archive\" ]; then cds=-XX:SharedArchiveFile=$archive; "
                    + "else cds=-XX:ArchiveClassesAtExit=$archive; fi\n"
                    + "exec " + raftManagerCommand() + " \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    Path workDir() {
        return workDir;
    }

    Result run(String script, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(workDir.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PATH", binDir + ":" + System.getenv("PATH"));
        builder.environment().put("CURL_HOME", binDir.toString());
        try {
            Path out = Files.createTempFile(binDir, "out", ".txt");
            Path err = Files.createTempFile(binDir, "err", ".txt");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                return new Result(-1, read(out), "did not finish within " + TIMEOUT_SECONDS + " s\n" + read(err),
                        List.of());
            }
            String stderr = read(err);
            List<Integer> statuses = new ArrayList<>();
            Matcher status = STATUS.matcher(stderr);
            while (status.find()) {
                statuses.add(Integer.parseInt(status.group(1)));
            }
            return new Result(process.exitValue(), read(out), stderr.replaceAll(STATUS.pattern() + "\\n?", ""),
                    statuses);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The built CLI when the build packaged it (and not before its last compilation), otherwise its main class on
     * this test's class path.
     */
    private static String raftManagerCommand() {
        String java = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "'";
        // A process of a second or two: C1 only and the serial GC cost about a third less CPU on a busy machine.
        String options = " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
        String jar = System.getProperty("raftmanager.jar");
        if (jar != null && Files.isRegularFile(Path.of(jar)) && !olderThanClasses(Path.of(jar))) {
            // The class data archive only with the jar: the JVM cannot archive classes from directories.
            return java + options + " -Xlog:disable \"$cds\" -jar '" + jar + "'";
        }
        return java + options + " -cp '" + System.getProperty("java.class.path")
                + "' io.github.raftspringboot.admin.cli.RaftManager";
    }

    private static boolean olderThanClasses(Path jar) {
        try {
            URL mainClass = Shell.class.getResource("/io/github/raftspringboot/admin/cli/RaftManager.class");
            return mainClass != null && mainClass.getProtocol().equals("file")
                    && Files.getLastModifiedTime(Path.of(mainClass.toURI())).compareTo(Files.getLastModifiedTime(jar)) > 0;
        }
        catch (IOException | URISyntaxException ex) {
            throw new IllegalStateException("Cannot compare " + jar + " with the CLI's classes", ex);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * @param statuses the HTTP status of every response curl received, in order ({@code 0} when it got none)
     */
    record Result(int exitCode, String out, String err, List<Integer> statuses) {

        boolean httpError() {
            return statuses.stream().anyMatch(status -> status >= 400 || status == 0);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + (statuses.isEmpty() ? "" : ", HTTP " + statuses) + "\n    stdout: "
                    + abbreviate(out) + "\n    stderr: " + abbreviate(err);
        }

        private static String abbreviate(String text) {
            String flat = text.strip().replace("\n", "\n            ");
            return flat.length() > 1500 ? flat.substring(0, 1500) + "..." : flat;
        }
    }
}
