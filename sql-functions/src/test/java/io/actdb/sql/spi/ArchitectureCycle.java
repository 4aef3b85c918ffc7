package io.actdb.sql.spi;

import io.actdb.sql.cka.LinearCka;

/** What ArchitectureTest must refuse: the SPI depending on a function package that uses it. */
final class ArchitectureCycle {
  LinearCka function;
}
