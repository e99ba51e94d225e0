package io.github.raftspringboot.sample.advisories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The CVE scan of the runtime dependency trees (the starter's and the sample's), offline: every library in their
 * dependency lists is looked up in GitHub's reviewed Maven advisories ({@link AdvisoryDatabase}) and compared with
 * Maven's version-range semantics. An unaccepted HIGH or CRITICAL finding fails the build; the others are reported
 * in {@code target/dependency-advisories.txt}. See docs/security.md#dependency-advisories.
 */
class DependencyAdvisoryTest {

    private static final Logger log = LoggerFactory.getLogger(DependencyAdvisoryTest.class);

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    private static final Path ACCEPTED = ROOT.resolve("security/accepted-advisories.txt");

    private final AdvisoryDatabase database = AdvisoryDatabase.load(ROOT);

    @Test
    void theDatabaseFindsAKnownVulnerabilityAndNotItsFix() {
        assertThat(database.affecting("org.apache.logging.log4j:log4j-core", "2.14.1"))
                .extracting(Advisory::id).contains("CVE-2021-44228");
        assertThat(database.affecting("org.apache.logging.log4j:log4j-core", "2.17.1"))
                .extracting(Advisory::id).doesNotContain("CVE-2021-44228");
        // Maven ordering, not string ordering: 2.9.10.8 is before 2.10.0 and after 2.9.10.
        Advisory ranged = new Advisory("X", "", "", "g:a", "2.9.0", "2.9.10.8", "HIGH", "");
        assertThat(ranged.affects("2.9.10")).isTrue();
        assertThat(ranged.affects("2.9.10.8")).isFalse();
        assertThat(ranged.affects("2.10.0")).isFalse();
        assertThat(new Advisory("X", "", "", "g:a", "0", "", "LOW", "").affects("99.0")).isTrue();
    }

    @Test
    void aRefreshedDatabaseIsReadWithItsLastAffectedVersions(@TempDir Path dir) throws IOException {
        // The format scripts/refresh-advisories.sh writes: quoted fields, a ninth column for "last affected".
        Path csv = dir.resolve("advisories-maven.csv");
        Files.writeString(csv, String.join("\n",
                "\"CVE-2026-0001\",\"2026-05-01T00:00:00Z\",\"Example, with a comma\",\"org.example:lib\",\"2.0\","
                        + "\"2.0.5\",\"HIGH\",\"CWE-1;CWE-2\",\"\"",
                "\"CVE-2026-0002\",\"2026-06-01T00:00:00Z\",\"Old line\",\"org.example:lib\",\"0\",\"\",\"LOW\","
                        + "\"\",\"1.9.RELEASE\""));
        AdvisoryDatabase refreshed = AdvisoryDatabase.read(csv);
        assertThat(refreshed.newestPublished()).isEqualTo("2026-06-01T00:00:00Z");
        assertThat(refreshed.affecting("org.example:lib", "2.0.4")).extracting(Advisory::id, Advisory::summary)
                .containsExactly(tuple("CVE-2026-0001", "Example, with a comma"));
        assertThat(refreshed.affecting("org.example:lib", "1.9.RELEASE")).extracting(Advisory::id)
                .containsExactly("CVE-2026-0002");
        assertThat(refreshed.affecting("org.example:lib", "2.0.5")).isEmpty();
        assertThat(refreshed.affecting("org.example:lib", "1.10")).isEmpty();
    }

    @Test
    void theRuntimeTreesHaveNoUnacceptedHighOrCriticalAdvisory() throws IOException {
        List<Path> trees = RuntimeDependencies.configured();
        Set<RuntimeComponent> components = RuntimeDependencies.components(trees);
        AcceptedAdvisories accepted = AcceptedAdvisories.read(ACCEPTED);
        assertThat(components).as("libraries in %s", trees).hasSizeGreaterThan(20);

        List<String> report = new ArrayList<>();
        report.add("Advisory database: " + database.source() + " (" + database.size() + " rows, newest advisory "
                + database.newestPublished() + ")");
        report.add("Scanned " + components.size() + " runtime libraries from " + trees);
        List<String> failures = new ArrayList<>();
        Set<String> matchedAccepted = new TreeSet<>();
        for (RuntimeComponent component : components) {
            for (Advisory advisory : database.affecting(component.packageName(), component.version())) {
                boolean isAccepted = accepted.accepts(advisory);
                String line = String.format("%-8s %-20s %s (fixed in %s) %s%s", advisory.severity(), advisory.id(),
                        component, advisory.fixed().isEmpty() ? "no release" : advisory.fixed(),
                        advisory.summary(), isAccepted ? " [accepted]" : "");
                report.add(line);
                if (isAccepted) {
                    matchedAccepted.add(AcceptedAdvisories.key(advisory.id(), advisory.packageName()));
                }
                else if (advisory.isHighOrCritical()) {
                    failures.add(line);
                }
            }
        }
        accepted.entries().stream().filter(entry -> !matchedAccepted.contains(entry))
                .forEach(entry -> report.add("Accepted but no longer found (remove it from " + ACCEPTED.getFileName()
                        + "): " + entry));
        Path out = Path.of("target", "dependency-advisories.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        report.forEach(log::info);

        assertThat(failures).as("HIGH/CRITICAL advisories against the runtime dependencies (database: newest "
                + "advisory %s). Fix each by a version bump in the parent pom, or, if it cannot reach this project, add"
                + " '<id> <groupId:artifactId> <why>' to %s and explain it in docs/security.md. Full report: %s",
                database.newestPublished(), ACCEPTED, out.toAbsolutePath()).isEmpty();
    }
}
