package io.actdb.sql.tables;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes test Arrow IPC files with Arrow Java, and knows every value it writes: the expected side
 * of the scan tests is computed from these formulas, never read back through the scan.
 *
 * <p>Row {@code id} of an "all types" file (ids 0, 1, 2, ... across batches):
 *
 * <ul>
 *   <li>{@code id} Int64 = id
 *   <li>{@code i32} Int32 = id·3 − 7, NULL when id % 11 = 5
 *   <li>{@code i16} Int16 = id % 30000 − 15000
 *   <li>{@code i8} Int8 = id % 200 − 100
 *   <li>{@code f32} Float32 = id / 4, NULL when id % 13 = 0
 *   <li>{@code f64} Float64 = id · 0.125 + 1
 *   <li>{@code name} Utf8 = "n" + id (+ "é" when id % 10 = 0), NULL when id % 7 = 3
 *   <li>{@code flag} Bool = id % 3 = 0, NULL when id % 17 = 2
 *   <li>{@code vec} FixedSizeList&lt;Float32&gt;[dim], element k = id / 2 + k, NULL when id % 5 = 1
 *   <li>{@code lst} List&lt;Float32&gt; of id % 4 elements, element k = id + k, NULL when id % 9 =
 *       4
 * </ul>
 */
final class ArrowFixture {
  private ArrowFixture() {}

  static final FieldType FLOAT32 =
      FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));

  static Schema allTypesSchema(int dim) {
    return new Schema(
        List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable("i32", new ArrowType.Int(32, true)),
            Field.nullable("i16", new ArrowType.Int(16, true)),
            Field.nullable("i8", new ArrowType.Int(8, true)),
            Field.nullable("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            Field.nullable("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("name", new ArrowType.Utf8()),
            Field.nullable("flag", new ArrowType.Bool()),
            new Field(
                "vec",
                FieldType.nullable(new ArrowType.FixedSizeList(dim)),
                List.of(new Field("item", FLOAT32, null))),
            new Field(
                "lst",
                FieldType.nullable(new ArrowType.List()),
                List.of(new Field("item", FLOAT32, null)))));
  }

  static boolean i32Null(long id) {
    return id % 11 == 5;
  }

  static int i32(long id) {
    return (int) (id * 3 - 7);
  }

  static short i16(long id) {
    return (short) (id % 30000 - 15000);
  }

  static byte i8(long id) {
    return (byte) (id % 200 - 100);
  }

  static boolean f32Null(long id) {
    return id % 13 == 0;
  }

  static float f32(long id) {
    return id / 4f;
  }

  static double f64(long id) {
    return id * 0.125 + 1;
  }

  static boolean nameNull(long id) {
    return id % 7 == 3;
  }

  static String name(long id) {
    return "n" + id + (id % 10 == 0 ? "é" : "");
  }

  static boolean flagNull(long id) {
    return id % 17 == 2;
  }

  static boolean flag(long id) {
    return id % 3 == 0;
  }

  static boolean vecNull(long id) {
    return id % 5 == 1;
  }

  static float vec(long id, int k) {
    return id / 2f + k;
  }

  static boolean lstNull(long id) {
    return id % 9 == 4;
  }

  static int lstLength(long id) {
    return (int) (id % 4);
  }

  static float lst(long id, int k) {
    return id + k;
  }

  /** Writes an "all types" file with record batches of the given sizes; returns the row count. */
  static long writeAllTypes(Path file, BufferAllocator allocator, int dim, int... batchSizes)
      throws IOException {
    long id = 0;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(allTypesSchema(dim), allocator);
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      writer.start();
      for (int n : batchSizes) {
        for (FieldVector v : root.getFieldVectors()) {
          v.clear();
          v.allocateNew();
        }
        BigIntVector ids = (BigIntVector) root.getVector("id");
        IntVector i32 = (IntVector) root.getVector("i32");
        SmallIntVector i16 = (SmallIntVector) root.getVector("i16");
        TinyIntVector i8 = (TinyIntVector) root.getVector("i8");
        Float4Vector f32 = (Float4Vector) root.getVector("f32");
        Float8Vector f64 = (Float8Vector) root.getVector("f64");
        VarCharVector name = (VarCharVector) root.getVector("name");
        BitVector flag = (BitVector) root.getVector("flag");
        FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
        Float4Vector vecItems = (Float4Vector) vec.getDataVector();
        ListVector lst = (ListVector) root.getVector("lst");
        Float4Vector lstItems = (Float4Vector) lst.getDataVector();
        for (int r = 0; r < n; r++, id++) {
          ids.setSafe(r, id);
          if (i32Null(id)) i32.setNull(r);
          else i32.setSafe(r, i32(id));
          i16.setSafe(r, i16(id));
          i8.setSafe(r, i8(id));
          if (f32Null(id)) f32.setNull(r);
          else f32.setSafe(r, f32(id));
          f64.setSafe(r, f64(id));
          if (nameNull(id)) name.setNull(r);
          else name.setSafe(r, name(id).getBytes(StandardCharsets.UTF_8));
          if (flagNull(id)) flag.setNull(r);
          else flag.setSafe(r, flag(id) ? 1 : 0);
          for (int k = 0; k < dim; k++) vecItems.setSafe(r * dim + k, vec(id, k));
          if (vecNull(id)) vec.setNull(r);
          else vec.setNotNull(r);
          if (lstNull(id)) {
            lst.setNull(r);
          } else {
            int offset = lst.startNewValue(r);
            for (int k = 0; k < lstLength(id); k++) lstItems.setSafe(offset + k, lst(id, k));
            lst.endValue(r, lstLength(id));
          }
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
    return id;
  }

  /**
   * Writes {@code id BIGINT, vec FLOAT[d]} with the given rows, ids {@code ids[i]}, in batches of
   * {@code batch} rows.
   */
  static void writeVectors(
      Path file, BufferAllocator allocator, long[] ids, float[][] vectors, int batch)
      throws IOException {
    int dim = vectors[0].length;
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                new Field(
                    "vec",
                    FieldType.nullable(new ArrowType.FixedSizeList(dim)),
                    List.of(new Field("item", FLOAT32, null)))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      writer.start();
      BigIntVector idVector = (BigIntVector) root.getVector("id");
      FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
      Float4Vector items = (Float4Vector) vec.getDataVector();
      for (int start = 0; start < ids.length; start += batch) {
        int n = Math.min(batch, ids.length - start);
        idVector.clear();
        idVector.allocateNew(n);
        vec.clear();
        vec.allocateNew();
        for (int r = 0; r < n; r++) {
          idVector.set(r, ids[start + r]);
          for (int k = 0; k < dim; k++) items.setSafe(r * dim + k, vectors[start + r][k]);
          vec.setNotNull(r);
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
  }

  /** Writes a file with one column of a type the scan does not read. */
  static void writeUnsupported(Path file, BufferAllocator allocator) throws IOException {
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("count", new ArrowType.Int(32, false))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      writer.start();
      root.allocateNew();
      root.setRowCount(0);
      writer.writeBatch();
      writer.end();
    }
  }

  /** The record batch blocks of a file: offsets of the batches' metadata, for damaging them. */
  static List<long[]> blocks(Path file, BufferAllocator allocator) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        var reader = new ArrowFileReader(channel, allocator)) {
      List<long[]> blocks = new ArrayList<>();
      for (var b : reader.getRecordBlocks()) {
        blocks.add(new long[] {b.getOffset(), b.getMetadataLength(), b.getBodyLength()});
      }
      return blocks;
    }
  }
}
