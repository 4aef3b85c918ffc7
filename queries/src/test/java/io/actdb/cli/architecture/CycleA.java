package io.actdb.cli.architecture;

import io.actdb.cli.architecture.cycle.CycleB;

/** With {@link CycleB}, a package cycle on purpose. */
public final class CycleA {
  CycleB partner;
}
