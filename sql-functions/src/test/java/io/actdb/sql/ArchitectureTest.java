package io.actdb.sql;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.spi.AggregateFunction;
import org.junit.jupiter.api.Test;

/**
 * The layering of sql-functions (docs/sql-functions.md): the functions are written against the
 * engine-neutral SPI, only the DuckDB bridge touches DuckDB and the FFM API, and no two packages
 * depend on each other.
 */
class ArchitectureTest {
  private static final String BRIDGE = "io.actdb.sql.duckdb..";

  /** The function side: what must run without DuckDB (tests, benchmarks, another engine). */
  private static final String[] ENGINE_NEUTRAL = {
    "io.actdb.sql.spi..",
    "io.actdb.sql.input..",
    "io.actdb.sql.cka..",
    "io.actdb.sql.cca..",
    "io.actdb.sql.geometry..",
    "io.actdb.sql.kernels..",
    "io.actdb.sql.tables..",
    "io.actdb.sql.pca.."
  };

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.actdb.sql");

  /** Every package of sql-functions is its own slice, the root package {@code io.actdb.sql} too. */
  private static final SliceAssignment BY_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          return name.startsWith("io.actdb.sql")
              ? SliceIdentifier.of(name)
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "packages of sql-functions";
        }
      };

  static final ArchRule FUNCTIONS_DO_NOT_SEE_THE_BRIDGE =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE_NEUTRAL)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(BRIDGE, "org.duckdb..")
          .because("functions are written against io.actdb.sql.spi, so they run on any engine");

  static final ArchRule FUNCTIONS_DO_NOT_USE_FFM =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.actdb.sql.spi..",
              "io.actdb.sql.input..",
              "io.actdb.sql.cka..",
              "io.actdb.sql.cca..",
              "io.actdb.sql.geometry..",
              "io.actdb.sql.tables..",
              "io.actdb.sql.pca..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.lang.foreign..")
          .because(
              "native memory is the bridge's business; functions see plain arrays and buffers");

  static final ArchRule NO_PACKAGE_CYCLES =
      slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles();

  @Test
  void functionsDoNotDependOnTheDuckDbBridge() {
    FUNCTIONS_DO_NOT_SEE_THE_BRIDGE.check(MAIN);
  }

  @Test
  void functionsDoNotUseTheForeignMemoryApi() {
    FUNCTIONS_DO_NOT_USE_FFM.check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    NO_PACKAGE_CYCLES.check(MAIN);
  }

  /** Each rule fires on a class that breaks it (test fixtures, not part of the product). */
  @Test
  void theRulesCatchViolations() throws ClassNotFoundException {
    JavaClasses bridgeUser =
        new ClassFileImporter()
            .importClasses(Class.forName("io.actdb.sql.geometry.ArchitectureViolation"));
    assertThrows(AssertionError.class, () -> FUNCTIONS_DO_NOT_SEE_THE_BRIDGE.check(bridgeUser));
    assertThrows(AssertionError.class, () -> FUNCTIONS_DO_NOT_USE_FFM.check(bridgeUser));
    JavaClasses cycle =
        new ClassFileImporter()
            .importClasses(
                Class.forName("io.actdb.sql.spi.ArchitectureCycle"),
                LinearCka.class,
                AggregateFunction.class);
    assertThrows(AssertionError.class, () -> NO_PACKAGE_CYCLES.check(cycle));
  }
}
