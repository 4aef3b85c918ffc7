package io.actdb.extractor.model;

import ai.djl.engine.Engine;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Process-wide libtorch switches DJL does not expose, set once when the PyTorch engine starts.
 *
 * <p>NNPACK: libtorch considers NNPACK for small-batch CPU convolutions and, on a CPU NNPACK does
 * not support (no AVX2, or one its cpuinfo cannot read, as in many VMs), prints "Could not
 * initialize NNPACK! Reason: Unsupported hardware." on stderr, once per process and per thread
 * pool. The warning is harmless (libtorch falls back to its own kernels) but floods the demo and
 * the test output. libtorch checks the user's NNPACK switch before it initialises NNPACK, so
 * turning the switch off silences exactly that warning and nothing else; every other native message
 * still reaches stderr. The switch is the C++ {@code at::Context::setUserEnabledNNPACK}, called
 * here through FFM with the Itanium C++ ABI names libtorch exports on Linux and macOS; where the
 * names are not found (another ABI) nothing changes.
 */
public final class LibTorchSettings {
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
  private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";

  private static volatile boolean applied;

  private LibTorchSettings() {}

  /** Starts the PyTorch engine (loading libtorch) and applies the switches; idempotent. */
  public static Engine startEngine() {
    Engine engine = Engine.getEngine("PyTorch");
    if (!applied) {
      synchronized (LibTorchSettings.class) {
        if (!applied) {
          setNnpackEnabled(false);
          applied = true;
        }
      }
    }
    return engine;
  }

  /**
   * libtorch's NNPACK switch, or empty when libtorch is not loaded or exports no such symbol. For
   * tests and diagnostics.
   */
  public static Optional<Boolean> nnpackEnabled() {
    Optional<MemorySegment> getter = find(GET_NNPACK);
    Optional<MemorySegment> context = globalContext();
    if (getter.isEmpty() || context.isEmpty()) return Optional.empty();
    MethodHandle get =
        Linker.nativeLinker()
            .downcallHandle(
                getter.get(), FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, ValueLayout.ADDRESS));
    try {
      return Optional.of((boolean) get.invokeExact(context.get()));
    } catch (Throwable t) {
      throw new IllegalStateException("libtorch's userEnabledNNPACK failed", t);
    }
  }

  private static void setNnpackEnabled(boolean enabled) {
    Optional<MemorySegment> setter = find(SET_NNPACK);
    Optional<MemorySegment> context = globalContext();
    if (setter.isEmpty() || context.isEmpty()) return;
    MethodHandle set =
        Linker.nativeLinker()
            .downcallHandle(
                setter.get(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_BOOLEAN));
    try {
      set.invokeExact(context.get(), enabled);
    } catch (Throwable t) {
      throw new IllegalStateException("libtorch's setUserEnabledNNPACK failed", t);
    }
  }

  /** {@code at::globalContext()}: the address of libtorch's process-wide settings object. */
  private static Optional<MemorySegment> globalContext() {
    return find(GLOBAL_CONTEXT)
        .map(
            symbol -> {
              MethodHandle get =
                  Linker.nativeLinker()
                      .downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.ADDRESS));
              try {
                return (MemorySegment) get.invokeExact();
              } catch (Throwable t) {
                throw new IllegalStateException("libtorch's globalContext failed", t);
              }
            });
  }

  // DJL loads libtorch with System.load from this class loader, so its symbols are in the
  // loader's lookup; the default lookup covers a libtorch the process loaded otherwise.
  private static Optional<MemorySegment> find(String symbol) {
    return SymbolLookup.loaderLookup()
        .find(symbol)
        .or(() -> Linker.nativeLinker().defaultLookup().find(symbol));
  }
}
