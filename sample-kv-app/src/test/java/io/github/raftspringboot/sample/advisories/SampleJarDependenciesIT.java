package io.github.raftspringboot.sample.advisories;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's executable jar carries the same library versions a starter user gets: the sample's test-scope
 * dependencies (mockito, json-smart, ...) must not change, through Maven's nearest-wins, the versions it ships
 * (as they once did for objenesis and asm). The reference is the starter's runtime dependency list.
 */
class SampleJarDependenciesIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @Test
    void theExecutableJarHasTheStartersRuntimeVersions() throws IOException {
        Path starterTree = ROOT.resolve("raft-spring-boot-starter/target/runtime-dependencies.txt");
        Set<RuntimeComponent> starter = RuntimeDependencies.components(List.of(starterTree));
        Set<String> expected = starter.stream()
                // Boot's repackager leaves out the starters: POM-only jars without classes.
                .filter(component -> !component.name().startsWith("spring-boot-starter"))
                .map(component -> component.name() + "-" + component.version() + ".jar")
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> shipped;
        try (ZipFile jar = new ZipFile(jar().toFile())) {
            shipped = jar.stream().map(ZipEntry::getName).filter(name -> name.startsWith("BOOT-INF/lib/"))
                    .map(name -> name.substring("BOOT-INF/lib/".length())).collect(Collectors.toSet());
        }

        assertThat(expected).as("starter libraries in %s", starterTree).hasSizeGreaterThan(50);
        assertThat(shipped).as("BOOT-INF/lib of %s against the starter's runtime tree %s (a missing entry is a"
                + " library the jar ships at another version than a starter user gets)", jar(), starterTree)
                .containsAll(expected);
    }

    private static Path jar() {
        String configured = System.getProperty("sample.jar");
        assertThat(configured).as("system property sample.jar (set by Failsafe: run with mvn verify)").isNotNull();
        return Path.of(configured);
    }
}
