package io.actdb.cli.architecture;

import io.actdb.sql.kernels.Kernels;

/** Breaks the CLI's rule on purpose: it reaches a kernel directly. */
public final class KernelUser {
  private KernelUser() {}

  public static String kernel() {
    return Kernels.name();
  }
}
