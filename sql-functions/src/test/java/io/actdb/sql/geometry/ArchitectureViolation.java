package io.actdb.sql.geometry;

import io.actdb.sql.duckdb.AggregateBridge;
import java.lang.foreign.MemorySegment;

/** What ArchitectureTest must refuse in a function package: the bridge and native memory. */
final class ArchitectureViolation {
  AggregateBridge<?> bridge;
  MemorySegment memory;
}
