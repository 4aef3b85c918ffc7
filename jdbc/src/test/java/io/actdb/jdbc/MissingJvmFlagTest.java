package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SQL client started without {@code --add-opens=java.base/java.nio=ALL-UNNAMED} is told at
 * connect time which flag to add, instead of failing inside a query about {@code sun.misc.Unsafe}.
 */
class MissingJvmFlagTest {

  /** The client: connects and prints the error's message, or "connected". */
  public static void main(String[] args) {
    try (Connection c = DriverManager.getConnection("jdbc:actdb:")) {
      System.out.println("connected");
    } catch (SQLException e) {
      System.out.println(e.getMessage());
    }
  }

  @Test
  void aClientWithoutAddOpensIsToldTheFlag() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process client =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                MissingJvmFlagTest.class.getName())
            .redirectErrorStream(true)
            .start();
    assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the client did not end within 60 s");
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, client.exitValue(), output);
    assertTrue(
        output.contains(
            "the actdb JDBC driver needs the JVM flag --add-opens=java.base/java.nio=ALL-UNNAMED"),
        output);
    assertFalse(output.contains("connected"), output);
  }

  @Test
  void withTheFlagsTheCheckPasses() throws Exception {
    // This JVM runs with the build's flags.
    JvmFlags.check();
  }
}
