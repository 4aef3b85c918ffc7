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

  /** {@code sample_id INT64 NOT NULL, vec FixedSizeList<float32>[dim] NOT NULL}. */
  public static Schema activations(int dim) {
    Field element =
        new Field(
            "element",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            null);
    Field vec =
        new Field(VEC, FieldType.notNullable(new ArrowType.FixedSizeList(dim)), List.of(element));
    return new Schema(List.of(idField(), vec));
  }

  /** {@code sample_id, split, label, label_name, source}. */
  public static Schema samples() {
    return new Schema(
        List.of(
            idField(),
            new Field("split", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null),
            new Field("label_name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("source", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
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
    List<Field> fields = schema.getFields();
    if (fields.size() != 2) return "expected 2 columns (sample_id, vec), found " + fields.size();
    Field id = fields.get(0);
    if (!SAMPLE_ID.equals(id.getName()) || !new ArrowType.Int(64, true).equals(id.getType())) {
      return "first column should be sample_id int64, found " + id;
    }
    Field vec = fields.get(1);
    if (!(vec.getType() instanceof ArrowType.FixedSizeList list)
        || vec.getChildren().size() != 1
        || !new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)
            .equals(vec.getChildren().get(0).getType())) {
      return "second column should be vec fixed_size_list<float32>, found " + vec;
    }
    if (list.getListSize() != dim) {
      return "vectors have " + list.getListSize() + " floats but the manifest says " + dim;
    }
    return null;
  }
}
