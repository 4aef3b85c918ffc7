package io.actdb.sql.kernels;

/** Chooses the kernel implementation (temporary). */
public final class Kernels {
  private Kernels() {}
  private static final GramKernels INSTANCE = new ScalarGramKernels();
  public static GramKernels get() { return INSTANCE; }
  public static String name() { return "scalar"; }
}
