package io.actdb.storage;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The Arrow schemas of the store's files (format version 1). */
public final class StoreSchemas {
  private StoreSchemas() {}

  public static final String SAMPLE_ID = "sample_id";
  public static final String VEC = "vec";
  public static final String POSITION = "position";
  public static final String TOKEN = "token";
  public static final String TEXT = "text";

  /** {@code sample_id INT64 NOT NULL, vec FixedSizeList<float32>[dim] NOT NULL}. */
  public static Schema activations(int dim) {
    return new Schema(List.of(idField(), vecField(dim)));
  }

  /**
   * A token layer: {@code sample_id INT64 NOT NULL, position INT32 NOT NULL, token UTF8 NOT NULL,
   * vec FixedSizeList<float32>[dim] NOT NULL}, one row per token.
   */
  public static Schema tokenActivations(int dim) {
    return new Schema(
        List.of(
            idField(),
            new Field(POSITION, FieldType.notNullable(new ArrowType.Int(32, true)), null),
            new Field(TOKEN, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            vecField(dim)));
  }

  /** The schema of a layer's file: {@link #activations} or {@link #tokenActivations}. */
  public static Schema of(LayerEntry entry) {
    return entry.tokenRows() ? tokenActivations(entry.dim()) : activations(entry.dim());
  }

  /** Index of the {@code vec} column in a layer's file. */
  public static int vecColumn(LayerEntry entry) {
    return entry.tokenRows() ? 3 : 1;
  }

  private static Field vecField(int dim) {
    Field element =
        new Field(
            "element",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            null);
    return new Field(
        VEC, FieldType.notNullable(new ArrowType.FixedSizeList(dim)), List.of(element));
  }

  /** {@code sample_id, split, label, label_name, source, text}. */
  public static Schema samples() {
    return new Schema(
        List.of(
            idField(),
            new Field("split", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null),
            new Field("label_name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("source", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field(TEXT, FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
  }

  /** The samples schema of stores written before samples had text: no {@code text} column. */
  public static Schema samplesWithoutText() {
    return new Schema(samples().getFields().subList(0, 5));
  }

  /** The samples schema a samples entry promises. */
  public static Schema samples(SamplesEntry entry) {
    return entry.textColumn() ? samples() : samplesWithoutText();
  }

  private static Field idField() {
    return new Field(SAMPLE_ID, FieldType.notNullable(new ArrowType.Int(64, true)), null);
  }

  /**
   * Checks that {@code schema} is an activations schema of {@code dim} floats.
   *
   * @return null when it is, else what differs
   */
  public static String activationsMismatch(Schema schema, int dim) {
    return sampleRowsMismatch(schema, dim);
  }

  /**
   * Checks that {@code schema} is the schema of {@code entry}'s file (sample or token rows, its
   * dimension).
   *
   * @return null when it is, else what differs
   */
  public static String layerMismatch(Schema schema, LayerEntry entry) {
    if (!entry.tokenRows()) return sampleRowsMismatch(schema, entry.dim());
    Schema expected = tokenActivations(entry.dim());
    if (schema.equals(expected)) return null;
    List<Field> fields = schema.getFields();
    if (fields.size() != 4) {
      return "a token layer should have 4 columns (sample_id, position, token, vec), found "
          + fields.size();
    }
    for (int f = 0; f < 3; f++) {
      Field want = expected.getFields().get(f);
      Field got = fields.get(f);
      if (!want.getName().equals(got.getName()) || !want.getType().equals(got.getType())) {
        return "column " + (f + 1) + " should be " + want + ", found " + got;
      }
    }
    return vecMismatch("fourth", fields.get(3), entry.dim());
  }

  private static String sampleRowsMismatch(Schema schema, int dim) {
    List<Field> fields = schema.getFields();
    if (fields.size() != 2) return "expected 2 columns (sample_id, vec), found " + fields.size();
    Field id = fields.get(0);
    if (!SAMPLE_ID.equals(id.getName()) || !new ArrowType.Int(64, true).equals(id.getType())) {
      return "first column should be sample_id int64, found " + id;
    }
    return vecMismatch("second", fields.get(1), dim);
  }

  private static String vecMismatch(String which, Field vec, int dim) {
    if (!(vec.getType() instanceof ArrowType.FixedSizeList list)
        || vec.getChildren().size() != 1
        || !new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)
            .equals(vec.getChildren().get(0).getType())) {
      return which + " column should be vec fixed_size_list<float32>, found " + vec;
    }
    if (list.getListSize() != dim) {
      return "vectors have " + list.getListSize() + " floats but the manifest says " + dim;
    }
    return null;
  }
}
