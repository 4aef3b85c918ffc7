package io.actdb.sql.tables;

import io.actdb.sql.spi.SqlType;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Which Arrow columns the store scan reads, and as which DuckDB types. */
final class ArrowColumnTypes {
  private ArrowColumnTypes() {}

  /** Listed in error messages about unsupported columns. */
  static final String SUPPORTED =
      "Int64, Int32, Int16, Int8, Float32, Float64, Utf8, Bool, FixedSizeList<Float32>,"
          + " List<Float32>";

  /** The DuckDB type of an Arrow column, or null if the scan cannot read it. */
  static SqlType sqlType(Field field) {
    if (field.getDictionary() != null) return null;
    ArrowType type = field.getType();
    return switch (type) {
      case ArrowType.Int i when i.getIsSigned() ->
          switch (i.getBitWidth()) {
            case 64 -> SqlType.BIGINT;
            case 32 -> SqlType.INTEGER;
            case 16 -> SqlType.SMALLINT;
            case 8 -> SqlType.TINYINT;
            default -> null;
          };
      case ArrowType.FloatingPoint f when f.getPrecision() == FloatingPointPrecision.SINGLE ->
          SqlType.FLOAT;
      case ArrowType.FloatingPoint f when f.getPrecision() == FloatingPointPrecision.DOUBLE ->
          SqlType.DOUBLE;
      case ArrowType.Utf8 _ -> SqlType.VARCHAR;
      case ArrowType.Bool _ -> SqlType.BOOLEAN;
      case ArrowType.FixedSizeList l when isFloat32(field.getChildren()) && l.getListSize() > 0 ->
          SqlType.floatVector(l.getListSize());
      case ArrowType.List l when isFloat32(field.getChildren()) -> SqlType.FLOAT_LIST;
      default -> null;
    };
  }

  private static boolean isFloat32(List<Field> children) {
    return children.size() == 1
        && children.get(0).getDictionary() == null
        && children.get(0).getType() instanceof ArrowType.FloatingPoint f
        && f.getPrecision() == FloatingPointPrecision.SINGLE;
  }

  /**
   * An Arrow type as error messages spell it, children included, e.g. {@code
   * FixedSizeList(32)<Float64>}.
   */
  static String describe(Field field) {
    String own =
        switch (field.getType()) {
          case ArrowType.Int i -> (i.getIsSigned() ? "Int" : "UInt") + i.getBitWidth();
          case ArrowType.FloatingPoint f ->
              switch (f.getPrecision()) {
                case HALF -> "Float16";
                case SINGLE -> "Float32";
                case DOUBLE -> "Float64";
              };
          case ArrowType.FixedSizeList l -> "FixedSizeList(" + l.getListSize() + ")";
          default -> field.getType().toString();
        };
    if (field.getDictionary() != null) own = "Dictionary<" + own + ">";
    if (field.getChildren().isEmpty()) return own;
    StringBuilder b = new StringBuilder(own).append('<');
    for (int i = 0; i < field.getChildren().size(); i++) {
      if (i > 0) b.append(", ");
      b.append(describe(field.getChildren().get(i)));
    }
    return b.append('>').toString();
  }
}
