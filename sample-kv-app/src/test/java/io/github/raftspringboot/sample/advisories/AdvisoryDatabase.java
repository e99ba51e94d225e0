package io.github.raftspringboot.sample.advisories;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * GitHub's reviewed advisories for the Maven ecosystem, read offline from a CSV file, the first of: the file named
 * by the system property {@code advisories.file}; {@code security/advisories-maven.csv} in the project, if
 * {@code scripts/refresh-advisories.sh} wrote one; the {@code advisories-maven.csv} that
 * {@code org.openrewrite.recipe:rewrite-java-dependencies} (Apache-2.0) ships, resolved by Maven like any test
 * dependency and so cached in the local repository.
 *
 * <p>Columns: id, published, summary, groupId:artifactId, introduced, fixed, severity, CWEs, and, in a refreshed
 * file only, last affected.
 */
final class AdvisoryDatabase {

    static final String RESOURCE = "advisories-maven.csv";

    private final String source;
    private final Map<String, List<Advisory>> byPackage;
    private final String newestPublished;

    private AdvisoryDatabase(String source, List<Advisory> advisories) {
        this.source = source;
        this.byPackage = advisories.stream().collect(Collectors.groupingBy(Advisory::packageName));
        this.newestPublished = advisories.stream().map(Advisory::published).max(Comparator.naturalOrder())
                .orElseThrow(() -> new IllegalStateException("The advisory database " + source + " is empty"));
    }

    static AdvisoryDatabase load(Path projectRoot) {
        String file = System.getProperty("advisories.file", "");
        if (!file.isBlank()) {
            return read(Path.of(file));
        }
        Path refreshed = projectRoot.resolve("security").resolve(RESOURCE);
        if (Files.isRegularFile(refreshed)) {
            return read(refreshed);
        }
        try (InputStream in = AdvisoryDatabase.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No " + RESOURCE + " on the test classpath: sample-kv-app's pom must"
                        + " have org.openrewrite.recipe:rewrite-java-dependencies at test scope");
            }
            return new AdvisoryDatabase("classpath:" + RESOURCE, parse(in, RESOURCE));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static AdvisoryDatabase read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return new AdvisoryDatabase(path.toAbsolutePath().normalize().toString(), parse(in, path.toString()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the advisory database " + path, ex);
        }
    }

    private static List<Advisory> parse(InputStream in, String name) {
        CsvMapper mapper = CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY).build();
        List<Advisory> advisories = new ArrayList<>();
        try (MappingIterator<String[]> rows = mapper.readerFor(String[].class).readValues(in)) {
            int line = 0;
            while (rows.hasNext()) {
                String[] row = rows.next();
                line++;
                if (row.length < 7) {
                    throw new IllegalStateException(name + " row " + line + " has " + row.length
                            + " columns, expected at least 7 (id, published, summary, package, introduced, fixed,"
                            + " severity)");
                }
                String lastAffected = row.length > 8 ? row[8] : "";
                advisories.add(new Advisory(row[0], row[1], row[2], row[3], row[4], row[5], row[6], lastAffected));
            }
        }
        return advisories;
    }

    /** Every advisory row whose affected range holds this version of this package. */
    List<Advisory> affecting(String packageName, String version) {
        return byPackage.getOrDefault(packageName, List.of()).stream().filter(a -> a.affects(version)).toList();
    }

    String source() {
        return source;
    }

    /** The publication date of the newest advisory: the database knows nothing published after it. */
    String newestPublished() {
        return newestPublished;
    }

    int size() {
        return byPackage.values().stream().mapToInt(List::size).sum();
    }
}
