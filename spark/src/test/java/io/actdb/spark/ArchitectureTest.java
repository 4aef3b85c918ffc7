package io.actdb.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The spark module runs the functions through the SPI: never through the DuckDB bridge. */
class ArchitectureTest {
  // The module's own classes only: scanning Spark's class path for the package takes seconds.
  private static final JavaClasses SPARK =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  @Test
  void sparkCodeNeverTouchesDuckDb() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.actdb.sql.duckdb..", "org.duckdb..", "java.lang.foreign..")
        .check(SPARK);
  }

  @Test
  void sparkCodeUsesNoEntryPointThatNeedsDuckDb() {
    // ActdbFunctions, StoreConnections and ActivationImport open DuckDB connections.
    noClasses().should().dependOnClassesThat().resideInAPackage("io.actdb.sql").check(SPARK);
  }
}
