package io.actdb.sql.cca;

import io.actdb.sql.cka.LinearCkaStates;
import io.actdb.sql.spi.StateSerializer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The bytes of a CCA-family state: SVCCA's keep (NaN when unset), then {@code cka}'s state. */
public final class CcaFamilyStates implements StateSerializer<CcaFamily.State> {
  private final LinearCkaStates moments = new LinearCkaStates();

  @Override
  public void write(CcaFamily.State state, DataOutput out) throws IOException {
    out.writeDouble(state.keep);
    moments.write(state.moments, out);
  }

  @Override
  public CcaFamily.State read(DataInput in) throws IOException {
    double keep = in.readDouble();
    CcaFamily.State state = new CcaFamily.State(moments.read(in));
    state.keep = keep;
    return state;
  }
}
