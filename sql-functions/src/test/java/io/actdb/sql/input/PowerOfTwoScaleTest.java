package io.actdb.sql.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerOfTwoScaleTest {

  @Test
  void theLargestMagnitudeLandsInTheTargetBinadeFromAnyScale() {
    for (float max :
        new float[] {Float.MIN_VALUE, 1e-40f, 1e-30f, 0.7f, 1f, 3e19f, 1e30f, Float.MAX_VALUE}) {
      float[] values = {max / 3, -max, max / 1024};
      int exponent = PowerOfTwoScale.normalize(values, values.length);
      float scaled = Math.abs(values[1]);
      assertTrue(scaled >= 0x1p40f && scaled < 0x1p41f, max + " became " + scaled);
      assertEquals(Math.scalb((double) max, exponent), scaled, 0.0, "exactly a power of two");
    }
  }

  @Test
  void scalingIsExactAndTheSameForAnyPowerOfTwoTimesTheData() {
    float[] base = {0.15625f, -3.0009766f, 1e-3f, 0f, 7.5f};
    float[] once = base.clone();
    PowerOfTwoScale.normalize(once, once.length);
    for (int power : new int[] {-100, -30, 1, 60, 100}) {
      float[] other = base.clone();
      for (int i = 0; i < other.length; i++) other[i] = Math.scalb(other[i], power);
      int exponent = PowerOfTwoScale.normalize(other, other.length);
      for (int i = 0; i < other.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(once[i]), Float.floatToRawIntBits(other[i]), "2^" + power);
        assertEquals((double) base[i], Math.scalb((double) other[i], -exponent - power), 0.0);
      }
    }
  }

  @Test
  void zerosStayZeros() {
    float[] zeros = new float[4];
    assertEquals(0, PowerOfTwoScale.normalize(zeros, zeros.length));
    assertEquals(0f, zeros[2]);
  }
}
