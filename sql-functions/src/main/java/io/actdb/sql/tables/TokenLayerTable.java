package io.actdb.sql.tables;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import java.util.List;
import java.util.Objects;

/**
 * {@code token_layer(model, layer, other_model, other_layer)}: the token layer {@code model/layer}
 * as {@code layer(model, layer)} shows it, once the store has checked that it can be compared token
 * by token with {@code other_model/other_layer}: both are token layers and their tokenizer
 * fingerprints are recorded and equal, so that a {@code (sample_id, position)} names the same token
 * in both. The {@code token_pairs} macro joins two of these; a join written by hand on {@code
 * layer(...)} does no such check. The check uses the manifest only, when the query is bound, before
 * any file is read.
 */
public final class TokenLayerTable implements TableFunction {
  public static final String NAME = "token_layer";

  private final Store store;

  public TokenLayerTable(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<SqlType> parameters() {
    return List.of(SqlType.VARCHAR, SqlType.VARCHAR, SqlType.VARCHAR, SqlType.VARCHAR);
  }

  @Override
  public BoundScan bind(List<Object> arguments) {
    LayerEntry layer =
        LayerTable.entryOf(store, (String) arguments.get(0), (String) arguments.get(1));
    LayerEntry other =
        LayerTable.entryOf(store, (String) arguments.get(2), (String) arguments.get(3));
    String refusal = premiseProblem(layer, other);
    if (refusal != null) throw new SqlFunctionException(refusal);
    return LayerTable.scanOf(store, layer);
  }

  /**
   * Why {@code a} and {@code b} cannot be compared token by token, or null when they can: both are
   * token layers made by the same tokenizer (equal fingerprints).
   */
  static String premiseProblem(LayerEntry a, LayerEntry b) {
    for (LayerEntry e : List.of(a, b)) {
      if (!e.tokenRows()) {
        return "layer "
            + e.qualifiedName()
            + " has one row per sample (pooling "
            + e.pooling()
            + "), not per token: a token-by-token comparison needs two token layers (extracted"
            + " with --pool none); compare pooled layers with a join on sample_id";
      }
      if (e.tokenizer() == null) {
        return "token layer "
            + e.qualifiedName()
            + " records no tokenizer, so the store cannot tell whether its positions mean the same"
            + " tokens as another layer's; join layer(...) on (sample_id, position) by hand if you"
            + " know they do";
      }
    }
    if (!Objects.equals(a.tokenizer(), b.tokenizer())) {
      return "layers "
          + a.qualifiedName()
          + " and "
          + b.qualifiedName()
          + " were tokenized by different tokenizers ("
          + a.tokenizer()
          + " vs "
          + b.tokenizer()
          + "): position p is not the same token in both, so a token-by-token comparison is"
          + " meaningless; compare mean-pooled layers (one row per sample) instead";
    }
    return null;
  }
}
