package io.actdb.spark;

import io.actdb.sql.spi.SqlFunctionException;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.expressions.Aggregator;
import scala.Product;

/**
 * A Spark typed aggregator that runs an SPI aggregate: {@code reduce} collects rows into chunks for
 * the function's {@code update}, {@code merge} is its {@code combine}, {@code finish} its {@code
 * finalize}. Partial aggregation and merge run on the executors; the state crosses the network as
 * the bytes of {@link StateCodec}.
 */
final class SpiAggregator extends Aggregator<Product, AggregationBuffer, Object> {
  private static final long serialVersionUID = 1L;

  private final SparkAggregate aggregate;

  SpiAggregator(SparkAggregate aggregate) {
    this.aggregate = aggregate;
  }

  @Override
  public AggregationBuffer zero() {
    return new AggregationBuffer(aggregate, aggregate.function().newState());
  }

  @Override
  public AggregationBuffer reduce(AggregationBuffer buffer, Product row) {
    try {
      buffer.add(row);
    } catch (SqlFunctionException e) {
      throw buffer.failure(e);
    }
    return buffer;
  }

  @Override
  public AggregationBuffer merge(AggregationBuffer target, AggregationBuffer source) {
    try {
      target.merge(source);
    } catch (SqlFunctionException e) {
      throw target.failure(e);
    }
    return target;
  }

  @Override
  public Object finish(AggregationBuffer buffer) {
    SparkResults.Recorder result = new SparkResults.Recorder();
    buffer.raiseFailure();
    try {
      buffer.flush();
      TaskCores.run(() -> aggregate.function().finalize(buffer.state, result));
    } catch (SqlFunctionException e) {
      throw buffer.failure(e);
    }
    return SparkResults.forEncoder(result.value(aggregate.resultType()), aggregate.resultType());
  }

  @Override
  public Encoder<AggregationBuffer> bufferEncoder() {
    return StateCodec.encoder(aggregate);
  }

  @Override
  public Encoder<Object> outputEncoder() {
    return SparkResults.encoder(aggregate.resultType());
  }
}
