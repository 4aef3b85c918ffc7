package io.actdb.jdbc;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The JVM flags a client process needs for actdb, checked when a connection opens: without them the
 * failure would come later, deep inside a query, as a message about {@code sun.misc.Unsafe}.
 */
final class JvmFlags {
  private JvmFlags() {}

  /**
   * Refuses to connect when {@code java.nio} is not open to Arrow, which reads the store's files
   * into direct buffers through its internals. The other flags are only recommended: without them
   * the JDK warns, and the kernels run their scalar versions.
   *
   * @throws SQLException naming the missing flag and where SQL clients take JVM flags
   */
  static void check() throws SQLException {
    Module arrow = MemoryUtil.class.getModule();
    if (!ByteBuffer.class.getModule().isOpen("java.nio", arrow)) {
      String target = arrow.isNamed() ? arrow.getName() : "ALL-UNNAMED";
      throw new SQLException(
          "the actdb JDBC driver needs the JVM flag --add-opens=java.base/java.nio="
              + target
              + " (Arrow reads the store's files through java.nio); add it to the JVM options of"
              + " your SQL client (DBeaver: dbeaver.ini after -vmargs; plain java: on the command"
              + " line), together with the recommended --enable-native-access="
              + (ActdbDriver.class.getModule().isNamed()
                  ? ActdbDriver.class.getModule().getName()
                  : "ALL-UNNAMED")
              + " --add-modules jdk.incubator.vector --sun-misc-unsafe-memory-access=allow");
    }
  }
}
