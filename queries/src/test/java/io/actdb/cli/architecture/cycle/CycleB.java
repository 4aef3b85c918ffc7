package io.actdb.cli.architecture.cycle;

import io.actdb.cli.architecture.CycleA;

/** With {@link CycleA}, a package cycle on purpose. */
public final class CycleB {
  CycleA partner;
}
