package io.github.raftspringboot.sample.advisories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allow-list of advisories accepted after review ({@code security/accepted-advisories.txt}): one line per
 * advisory and package, {@code <id> <groupId:artifactId> <why it does not reach us>}; {@code #} starts a comment.
 * A line without a reason is refused, so every accepted finding says why.
 */
final class AcceptedAdvisories {

    private final Map<String, String> reasons;

    private AcceptedAdvisories(Map<String, String> reasons) {
        this.reasons = reasons;
    }

    static AcceptedAdvisories read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the accepted advisories " + file.toAbsolutePath(), ex);
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 3);
            if (parts.length < 3 || !parts[1].contains(":")) {
                throw new IllegalStateException(file + " line " + (i + 1) + " is '" + line + "': expected"
                        + " '<advisory id> <groupId:artifactId> <why it is accepted>'");
            }
            reasons.put(key(parts[0], parts[1]), parts[2]);
        }
        return new AcceptedAdvisories(reasons);
    }

    boolean accepts(Advisory advisory) {
        return reasons.containsKey(key(advisory.id(), advisory.packageName()));
    }

    /** The accepted entries, as {@code id groupId:artifactId}. */
    Set<String> entries() {
        return reasons.keySet();
    }

    static String key(String id, String packageName) {
        return id + " " + packageName;
    }
}
