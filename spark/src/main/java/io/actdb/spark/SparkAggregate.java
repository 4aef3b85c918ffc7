package io.actdb.spark;

import io.actdb.sql.cca.CcaFamily;
import io.actdb.sql.cca.CcaFamilyStates;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.cka.LinearCkaStates;
import io.actdb.sql.pca.Pca;
import io.actdb.sql.pca.PcaStates;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.StateSerializer;
import java.util.List;

/**
 * The actdb aggregates Spark runs, each with the SPI function it runs and the serializer of that
 * function's state. An enum, so that what Spark ships to executors is a name: each JVM builds its
 * own function objects (and picks its own SIMD or scalar kernels).
 */
enum SparkAggregate {
  CKA(List.of(Argument.VECTOR, Argument.VECTOR)),
  CKA_DEBIASED(List.of(Argument.VECTOR, Argument.VECTOR)),
  CCA(List.of(Argument.VECTOR, Argument.VECTOR)),
  SVCCA(List.of(Argument.VECTOR, Argument.VECTOR)),
  SVCCA_KEEP(List.of(Argument.VECTOR, Argument.VECTOR, Argument.DOUBLE)),
  PWCCA(List.of(Argument.VECTOR, Argument.VECTOR)),
  LINREG_R2(List.of(Argument.VECTOR, Argument.VECTOR)),
  PCA(List.of(Argument.VECTOR, Argument.BIGINT));

  /** What an argument column holds. At most one scalar argument per function. */
  enum Argument {
    VECTOR,
    DOUBLE,
    BIGINT
  }

  final List<Argument> arguments;

  SparkAggregate(List<Argument> arguments) {
    this.arguments = arguments;
  }

  /** The SPI function; one per JVM. */
  AggregateFunction<Object> function() {
    return Functions.of(this);
  }

  /** Its state's serializer. */
  StateSerializer<Object> serializer() {
    return Functions.serializer(this);
  }

  /** The SQL name. */
  String sqlName() {
    return function().name();
  }

  /** The SQL result type. */
  SqlType resultType() {
    return function().returnType();
  }

  /** Built on first use in each JVM (driver and executors). */
  @SuppressWarnings("unchecked")
  private static final class Functions {
    private static final AggregateFunction<?>[] FUNCTIONS = {
      new LinearCka(LinearCka.Estimator.BIASED),
      new LinearCka(LinearCka.Estimator.DEBIASED),
      new CcaFamily(CcaFamily.Index.CCA),
      new CcaFamily(CcaFamily.Index.SVCCA),
      new CcaFamily(CcaFamily.Index.SVCCA),
      new CcaFamily(CcaFamily.Index.PWCCA),
      new CcaFamily(CcaFamily.Index.LINREG_R2),
      new Pca()
    };

    private static final StateSerializer<?> CKA_STATES = new LinearCkaStates();
    private static final StateSerializer<?> CCA_STATES = new CcaFamilyStates();
    private static final StateSerializer<?> PCA_STATES = new PcaStates();

    static AggregateFunction<Object> of(SparkAggregate aggregate) {
      return (AggregateFunction<Object>) FUNCTIONS[aggregate.ordinal()];
    }

    static StateSerializer<Object> serializer(SparkAggregate aggregate) {
      return (StateSerializer<Object>)
          switch (aggregate) {
            case CKA, CKA_DEBIASED -> CKA_STATES;
            case CCA, SVCCA, SVCCA_KEEP, PWCCA, LINREG_R2 -> CCA_STATES;
            case PCA -> PCA_STATES;
          };
    }
  }
}
