package io.github.raftspringboot.sample.advisories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime dependency trees to scan: the CycloneDX SBOMs that cyclonedx-maven-plugin writes before the tests
 * (the starter's, which is what a starter user gets, and this sample's), named by the system property
 * {@code advisories.sboms} (comma-separated; set by sample-kv-app's pom).
 */
final class RuntimeSboms {

    private RuntimeSboms() {
    }

    static List<Path> configured() {
        String paths = System.getProperty("advisories.sboms", "");
        if (paths.isBlank()) {
            throw new IllegalStateException("System property advisories.sboms is not set: run this test through"
                    + " Maven (mvn -pl sample-kv-app -am test -Dtest=DependencyAdvisoryTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false), which writes the SBOMs and sets it");
        }
        List<Path> sboms = Arrays.stream(paths.split(",")).map(String::trim).map(Path::of).toList();
        for (Path sbom : sboms) {
            if (!Files.isRegularFile(sbom)) {
                throw new IllegalStateException("No SBOM at " + sbom.toAbsolutePath().normalize()
                        + ": cyclonedx-maven-plugin writes it in generate-test-resources; build with -am so the"
                        + " starter's is written too");
            }
        }
        return sboms;
    }

    /** The libraries of all the SBOMs, each distinct group:artifact:version once. */
    static Set<RuntimeComponent> components(List<Path> sboms) {
        JsonMapper mapper = JsonMapper.builder().build();
        Set<RuntimeComponent> components = new TreeSet<>(Comparator.comparing(RuntimeComponent::toString));
        for (Path sbom : sboms) {
            JsonNode root = mapper.readTree(sbom.toFile());
            for (JsonNode component : root.path("components")) {
                if ("library".equals(component.path("type").asString())) {
                    components.add(new RuntimeComponent(component.path("group").asString(),
                            component.path("name").asString(), component.path("version").asString()));
                }
            }
        }
        return components;
    }
}
