package io.actdb.sql.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Chooses the {@link GramKernels} and {@link DistanceKernels} implementations once per JVM.
 *
 * <p>By default the Vector API implementation ({@link PanamaGramKernels}) is used when the {@code
 * jdk.incubator.vector} module is in the boot layer, and the plain-Java {@link ScalarGramKernels}
 * otherwise; a fallback logs one warning saying how to get the fast path. The system property
 * {@value #PROPERTY} ({@code scalar} or {@code panama}) forces one; forcing {@code panama} where it
 * cannot run throws {@link IllegalStateException} rather than falling back.
 *
 * <p>Both implementations honour every {@link GramKernels.Accumulation} and {@code parallelism}
 * (the scalar one sums in float64 whichever is asked), so callers need not know which was chosen.
 */
public final class Kernels {

  /** System property that forces an implementation: {@code scalar} or {@code panama}. */
  public static final String PROPERTY = "actdb.kernels";

  static final String VECTOR_MODULE = "jdk.incubator.vector";

  // Loaded by name, only after the module check: a direct reference could get it loaded while
  // this class is verified, and without the module its linking fails with NoClassDefFoundError.
  private static final String PANAMA_CLASS = Kernels.class.getPackageName() + ".PanamaGramKernels";

  private static final String PANAMA_DISTANCES_CLASS =
      Kernels.class.getPackageName() + ".PanamaDistanceKernels";

  private static final Logger LOG = Logger.getLogger(Kernels.class.getName());

  private Kernels() {}

  /**
   * Returns the implementation chosen for this JVM.
   *
   * @throws IllegalStateException on every call, when {@value #PROPERTY} asks for something that
   *     cannot run or is not a valid value
   */
  public static GramKernels get() {
    return chosen().kernels();
  }

  /**
   * Returns the distance kernels chosen for this JVM (the same kind as {@link #get()}).
   *
   * @throws IllegalStateException as {@link #get()}
   */
  public static DistanceKernels distances() {
    return chosen().distances();
  }

  /**
   * Returns the name of the implementation chosen for this JVM: {@code panama} or {@code scalar}.
   */
  public static String name() {
    return chosen().name();
  }

  /**
   * Bits of the vectors the chosen kernels compute on: the CPU's preferred width, or less when
   * {@code actdb.vector.bits} narrows it; 32 for the scalar kernels.
   */
  public static int vectorBits() {
    return chosen().vectorBits();
  }

  record Choice(String name, GramKernels kernels, DistanceKernels distances, int vectorBits) {}

  private static Choice chosen() {
    if (Holder.FAILURE != null) {
      throw new IllegalStateException(Holder.FAILURE.getMessage(), Holder.FAILURE);
    }
    return Holder.CHOSEN;
  }

  /**
   * Lazy holder: the choice, and its one log line, happen on first use and only once. A failure is
   * kept rather than thrown from the initializer, which would leave later callers with a bare
   * NoClassDefFoundError instead of the reason.
   */
  private static final class Holder {
    static final Choice CHOSEN;
    static final RuntimeException FAILURE;

    static {
      Choice choice = null;
      RuntimeException failure = null;
      try {
        choice = choose(System.getProperty(PROPERTY, ""));
      } catch (RuntimeException e) {
        failure = e;
      }
      CHOSEN = choice;
      FAILURE = failure;
    }
  }

  /** Chooses for a value of {@value #PROPERTY} ({@code ""} when unset). */
  static Choice choose(String forced) {
    return switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "scalar" -> scalar();
      case "panama" -> {
        try {
          yield panama();
        } catch (UnsupportedOperationException e) {
          throw new IllegalStateException(PROPERTY + "=panama was set, but " + e.getMessage(), e);
        }
      }
      case "" -> {
        try {
          yield panama();
        } catch (UnsupportedOperationException e) {
          LOG.warning("actdb falls back to its slower scalar kernels: " + e.getMessage());
          yield scalar();
        }
      }
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " must be 'scalar' or 'panama', got '" + forced + "'");
    };
  }

  /** Scalar panels are as wide as one 512-bit vector of floats: any width works for them. */
  private static Choice scalar() {
    GramKernels gram = new ScalarGramKernels();
    return new Choice("scalar", gram, new ScalarDistanceKernels(16), gram.vectorBits());
  }

  private static Choice panama() {
    GramKernels gram = loadPanama(PANAMA_CLASS, GramKernels.class);
    return new Choice(
        "panama",
        gram,
        loadPanama(PANAMA_DISTANCES_CLASS, DistanceKernels.class),
        gram.vectorBits());
  }

  /**
   * Instantiates {@link PanamaGramKernels} reflectively, after checking that its module is there.
   *
   * @throws UnsupportedOperationException with the reason and the fix, when it cannot run here
   */
  private static <T> T loadPanama(String className, Class<T> type) {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      throw new UnsupportedOperationException(
          "the Java module "
              + VECTOR_MODULE
              + " is not enabled; add '--add-modules "
              + VECTOR_MODULE
              + "' to the java command line");
    }
    try {
      return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof UnsupportedOperationException u) {
        throw u; // the constructor's own reason, e.g. vectors too narrow on this CPU
      }
      if (e.getCause() instanceof IllegalArgumentException bad) {
        throw new IllegalStateException(bad.getMessage(), bad); // a bad kernel property
      }
      throw new IllegalStateException("cannot create " + className, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + className, e);
    }
  }
}
