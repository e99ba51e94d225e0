package io.github.raftspringboot.sample.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code curl} and {@code raftmanager} command shown in README.md and docs/*.md, run in document order against
 * a fresh 3-node cluster of the sample per document: a documented command that fails, or prints other than its
 * comment documents, fails the build. Conventions: docs/architecture.md, "Executable documentation".
 */
class ExecutableDocsTest {

    private static final List<String> SUMMARY = new ArrayList<>();

    @TempDir
    static Path workDirs;

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandRuns() throws IOException {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        List<Path> documents = new ArrayList<>();
        documents.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        assertThat(documents).hasSizeGreaterThan(5);
        return documents.stream().map(path -> {
            String name = root.relativize(path).toString();
            return DynamicTest.dynamicTest(name, () -> check(name, Files.readString(path)));
        });
    }

    private static void check(String name, String markdown) throws IOException {
        ExecutableDoc doc = MarkdownCommands.parse(name, markdown);
        List<DocRunner.Outcome> outcomes = List.of();
        long started = System.nanoTime();
        if (doc.runnable()) {
            Path workDir = Files.createDirectories(workDirs.resolve(name.replace('/', '_')));
            try (DocCluster cluster = new DocCluster(doc.properties())) {
                outcomes = new DocRunner(cluster, new Shell(workDir, workDirs.resolve("raftmanager.jsa"))).run(doc);
            }
        }
        List<DocRunner.Outcome> failures = outcomes.stream().filter(outcome -> !outcome.passed()).toList();
        StringBuilder report = new StringBuilder(String.format("%s: %d run, %d illustrative, %d failing (%d s)", name,
                outcomes.size(), doc.count(DocStep.Illustrative.class), failures.size(),
                (System.nanoTime() - started) / 1_000_000_000L));
        outcomes.stream().filter(DocRunner.Outcome::passed).forEach(outcome -> report.append("\n  ok ")
            .append(outcome.location()).append(" (").append(outcome.millis()).append(" ms): ").append(outcome.command()));
        doc.steps().stream().filter(DocStep.Illustrative.class::isInstance).map(DocStep.Illustrative.class::cast)
            .forEach(step -> report.append("\n  illustrative ").append(step.location()).append(": ")
                .append(step.text()).append("  -- ").append(step.reason()));
        failures.forEach(failure -> report.append("\n  FAILED ").append(failure.location()).append(": ")
            .append(failure.command()).append("\n    ").append(failure.detail()));
        synchronized (SUMMARY) {
            SUMMARY.add(report.toString());
        }
        System.out.println(report);
        assertThat(failures).as(report.toString()).isEmpty();
    }

    @AfterAll
    static void printSummary() {
        System.out.println("Executable docs:\n" + String.join("\n", SUMMARY));
    }
}
