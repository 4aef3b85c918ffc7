package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.extractor.data.TextColumns;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.data.TextSources;
import io.actdb.sql.StoreConnections;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text set's samples, written to a store, come back through SQL with text, label and split. */
class TextSamplesInStoreTest {
  @TempDir Path dir;

  private static List<Sample> samples(TextSource source) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < source.size(); i++) samples.add(source.sample(i));
    return samples;
  }

  private void write(Path store, TextSource source) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        StoreWriter writer = StoreWriter.open(store, allocator)) {
      writer.addSamples(samples(source));
    }
  }

  @Test
  void csvRowsLandInSamples() throws Exception {
    Path csv = dir.resolve("notes.csv");
    Files.writeString(
        csv,
        "id,body,topic,part\n10,\"Tea, hot.\",drink,train\n11,\"Line one\nline two\",food,test\n");
    Path store = dir.resolve("store");
    write(store, TextSources.open(csv.toString(), new TextColumns("body", "topic", "id", "part")));
    try (Connection c = StoreConnections.open(store);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT sample_id, split, label, label_name, text FROM samples ORDER BY"
                    + " sample_id")) {
      assertTrue(rs.next());
      assertEquals(10, rs.getLong(1));
      assertEquals("train", rs.getString(2));
      assertEquals(0, rs.getInt(3)); // drink < food
      assertEquals("drink", rs.getString(4));
      assertEquals("Tea, hot.", rs.getString(5));
      assertTrue(rs.next());
      assertEquals(11, rs.getLong(1));
      assertEquals("test", rs.getString(2));
      assertEquals("food", rs.getString(4));
      assertEquals("Line one\nline two", rs.getString(5));
      assertFalse(rs.next());
    }
  }

  @Test
  void embeddedSentencesGroupByClassAndSplit() throws Exception {
    Path store = dir.resolve("store");
    write(store, TextSources.open("sentences", null));
    try (Connection c = StoreConnections.open(store);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT label_name, count(*) FILTER (split = 'train'),"
                    + " count(*) FILTER (split = 'test'), count(DISTINCT label),"
                    + " min(length(text)) FROM samples GROUP BY label_name ORDER BY label_name")) {
      int classes = 0;
      while (rs.next()) {
        classes++;
        assertEquals(200, rs.getInt(2), rs.getString(1));
        assertEquals(50, rs.getInt(3), rs.getString(1));
        assertEquals(1, rs.getInt(4));
        assertTrue(rs.getInt(5) >= 20);
      }
      assertEquals(10, classes);
    }
  }
}
