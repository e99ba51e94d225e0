package io.github.raftspringboot.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The Raft engine stays behind our interfaces: only one package may know Atomix. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.github.raftspringboot");

    @Test
    void onlyTheEngineAdapterImportsAtomix() {
        noClasses().that()
            .resideOutsideOfPackage("io.github.raftspringboot.autoconfigure.engine.atomix..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.atomix..")
            .check(classes);
    }

    @Test
    void thePublicApiDependsOnNothingInternal() {
        noClasses().that()
            .resideInAPackage("io.github.raftspringboot.api..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.github.raftspringboot.autoconfigure..")
            .check(classes);
    }
}
