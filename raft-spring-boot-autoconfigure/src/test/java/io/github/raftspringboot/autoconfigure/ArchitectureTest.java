package io.github.raftspringboot.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The Raft engine stays behind our interfaces: only one package may know Atomix, the public API knows nothing
 * internal, and the engine module knows nothing of the wiring (it has no Spring on its class path either).
 */
class ArchitectureTest {

    /** Imported once for the class (it takes seconds), not once per test method. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.github.raftspringboot");

    @Test
    void onlyTheEngineAdapterImportsAtomix() {
        noClasses().that()
            .resideOutsideOfPackage("io.github.raftspringboot.engine.atomix..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.atomix..")
            .check(CLASSES);
    }

    @Test
    void thePublicApiDependsOnNothingInternal() {
        noClasses().that()
            .resideInAPackage("io.github.raftspringboot.api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.github.raftspringboot.autoconfigure..", "io.github.raftspringboot.engine..")
            .check(CLASSES);
    }

    @Test
    void theEngineKnowsNothingOfTheWiring() {
        noClasses().that()
            .resideInAPackage("io.github.raftspringboot.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.github.raftspringboot.autoconfigure..", "org.springframework..")
            .check(CLASSES);
    }
}
