package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The kernel settings: the width and tile shape in effect are the ones asked for (the build runs
 * the kernel tests again with {@code actdb.vector.bits=256} and {@code 128}, and with 4 vectors per
 * row at 256 bits), and bad values are refused with the reason.
 */
class KernelSettingsTest {
  @Test
  void theWidthAndTileShapeInEffectAreTheOnesAskedFor() {
    int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    String bits = System.getProperty(PanamaGramKernels.VECTOR_BITS_PROPERTY);
    String perRow = System.getProperty(PanamaGramKernels.VECTORS_PER_ROW_PROPERTY);
    if (!Kernels.name().equals("panama")) return; // no Vector API here: nothing to narrow
    int expectedBits = bits == null ? preferred : Integer.parseInt(bits);
    assertEquals(expectedBits, Kernels.vectorBits());
    assertEquals(expectedBits, Kernels.get().vectorBits());
    int expectedPerRow = perRow != null ? Integer.parseInt(perRow) : expectedBits >= 512 ? 4 : 2;
    assertEquals(expectedPerRow, PanamaGramKernels.vectorsPerRow());
  }

  @Test
  void badValuesAreRefusedWithTheReason() {
    assertNull(PanamaGramKernels.settingsProblem(null, null, 512));
    assertNull(PanamaGramKernels.settingsProblem("256", "4", 256));
    assertEquals(
        "actdb.vector.bits must be 128, 256 or 512 and at most this CPU's 256 bits, got '512'",
        PanamaGramKernels.settingsProblem("512", null, 256));
    assertEquals(
        "actdb.vector.bits must be 128, 256 or 512 and at most this CPU's 512 bits, got 'wide'",
        PanamaGramKernels.settingsProblem("wide", null, 512));
    assertEquals(
        "actdb.gram.vectors_per_row must be 2 or 4, got '3'",
        PanamaGramKernels.settingsProblem(null, "3", 512));
  }
}
