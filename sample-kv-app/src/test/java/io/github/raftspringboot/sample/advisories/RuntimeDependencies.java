package io.github.raftspringboot.sample.advisories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runtime dependency trees to scan, as {@code maven-dependency-plugin:list} writes them before the tests
 * ({@code target/runtime-dependencies.txt} of the starter, which is what a starter user gets, and of this sample),
 * named by the system property {@code advisories.trees} (comma-separated; set by sample-kv-app's pom).
 * A line is {@code group:artifact:type[:classifier]:version:scope}, maybe followed by {@code -- module name}.
 */
final class RuntimeDependencies {

    private RuntimeDependencies() {
    }

    static List<Path> configured() {
        String paths = System.getProperty("advisories.trees", "");
        if (paths.isBlank()) {
            throw new IllegalStateException("System property advisories.trees is not set: run this test through"
                    + " Maven (mvn -pl sample-kv-app -am test -Dtest=DependencyAdvisoryTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false), which writes the trees and sets it");
        }
        List<Path> trees = Arrays.stream(paths.split(",")).map(String::trim).map(Path::of).toList();
        for (Path tree : trees) {
            if (!Files.isRegularFile(tree)) {
                throw new IllegalStateException("No dependency list at " + tree.toAbsolutePath().normalize()
                        + ": maven-dependency-plugin writes it in generate-test-resources; build with -am so the"
                        + " starter's is written too");
            }
        }
        return trees;
    }

    /** The libraries of all the trees, each distinct group:artifact:version once. */
    static Set<RuntimeComponent> components(List<Path> trees) {
        Set<RuntimeComponent> components = new TreeSet<>(Comparator.comparing(RuntimeComponent::toString));
        for (Path tree : trees) {
            for (String line : readLines(tree)) {
                String[] coordinates = line.strip().split("\\s+")[0].split(":");
                if (coordinates.length == 5 || coordinates.length == 6) {
                    String version = coordinates[coordinates.length - 2];
                    components.add(new RuntimeComponent(coordinates[0], coordinates[1], version));
                }
            }
        }
        return components;
    }

    private static List<String> readLines(Path tree) {
        try {
            return Files.readAllLines(tree);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the dependency list " + tree, ex);
        }
    }
}
