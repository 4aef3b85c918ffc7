package io.actdb.spark;

import io.actdb.sql.spi.SqlFunctionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.Codec;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction0;

/**
 * Spark's encoding of an {@link AggregationBuffer}: a BINARY column with the state's numbers as its
 * {@link io.actdb.sql.spi.StateSerializer} writes them (no Java serialization of the objects).
 * Pending rows are handed to the function first, so the bytes hold the state alone (or the message
 * of the failure that handing them over raised).
 *
 * <p>Internal: Public only because Spark's generated code calls it.
 */
public final class StateCodec implements Codec<AggregationBuffer, byte[]> {
  private static final long serialVersionUID = 1L;

  private final SparkAggregate aggregate;

  StateCodec(SparkAggregate aggregate) {
    this.aggregate = aggregate;
  }

  /** The buffer encoder of {@code aggregate}'s Spark aggregator. */
  static Encoder<AggregationBuffer> encoder(SparkAggregate aggregate) {
    return new AgnosticEncoders.TransformingEncoder<AggregationBuffer, byte[]>(
        ClassTag$.MODULE$.apply(AggregationBuffer.class), binary(), new Provider(aggregate), false);
  }

  @SuppressWarnings("unchecked")
  private static AgnosticEncoder<byte[]> binary() {
    return (AgnosticEncoder<byte[]>) (Object) AgnosticEncoders.BinaryEncoder$.MODULE$;
  }

  @Override
  public byte[] encode(AggregationBuffer buffer) {
    if (buffer.deferredFailure == null) {
      try {
        buffer.flush();
      } catch (SqlFunctionException e) {
        buffer.deferredFailure = buffer.message(e);
      }
    }
    buffer.dropPending();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(buffer.deferredFailure != null);
      if (buffer.deferredFailure != null) out.writeUTF(buffer.deferredFailure);
      else aggregate.serializer().write(buffer.state, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public AggregationBuffer decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readBoolean()) {
        AggregationBuffer failed =
            new AggregationBuffer(aggregate, aggregate.function().newState());
        failed.deferredFailure = in.readUTF();
        return failed;
      }
      return new AggregationBuffer(aggregate, aggregate.serializer().read(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What Spark calls on each JVM to get the codec. */
  private static final class Provider
      extends AbstractFunction0<Codec<? super AggregationBuffer, byte[]>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SparkAggregate aggregate;

    Provider(SparkAggregate aggregate) {
      this.aggregate = aggregate;
    }

    @Override
    public Codec<? super AggregationBuffer, byte[]> apply() {
      return new StateCodec(aggregate);
    }
  }
}
