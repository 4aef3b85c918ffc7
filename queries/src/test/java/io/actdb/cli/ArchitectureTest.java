package io.actdb.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.actdb.cli.architecture.CycleA;
import io.actdb.cli.architecture.KernelUser;
import io.actdb.cli.architecture.cycle.CycleB;
import org.junit.jupiter.api.Test;

/**
 * The CLI's package structure: it uses sql-functions through its public face (functions, store
 * connections), never the kernels or the CKA internals, which only the benchmarks module may reach;
 * and its packages do not depend on each other in a circle.
 */
class ArchitectureTest {
  private static final ArchRule NO_SQL_INTERNALS =
      noClasses()
          .that()
          .resideInAPackage("io.actdb..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.actdb.sql.kernels..", "io.actdb.sql.cka..")
          .because("kernels and CKA internals are for sql-functions and the benchmarks module");

  private static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("io.actdb.(**)").should().beFreeOfCycles();

  private static JavaClasses cliMainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.actdb.cli");
  }

  @Test
  void cliCodeDoesNotImportKernelsOrCka() {
    JavaClasses classes = cliMainClasses();
    assertTrue(classes.contain(Actdb.class), "the CLI's main classes were not found");
    NO_SQL_INTERNALS.check(classes);
  }

  @Test
  void cliPackagesHaveNoCycles() {
    NO_PACKAGE_CYCLES.check(cliMainClasses());
  }

  /** The rules catch what they are meant to: test fixtures that break them on purpose. */
  @Test
  void rulesReportViolations() {
    JavaClasses kernelUser = new ClassFileImporter().importClasses(KernelUser.class);
    assertTrue(NO_SQL_INTERNALS.evaluate(kernelUser).hasViolation());
    JavaClasses cycle = new ClassFileImporter().importClasses(CycleA.class, CycleB.class);
    assertTrue(NO_PACKAGE_CYCLES.evaluate(cycle).hasViolation());
    assertFalse(NO_SQL_INTERNALS.evaluate(cycle).hasViolation());
  }
}
