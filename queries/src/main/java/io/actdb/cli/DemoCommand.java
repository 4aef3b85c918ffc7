package io.actdb.cli;

import ai.djl.Device;
import io.actdb.cli.demo.DemoReport;
import io.actdb.cli.demo.ExperimentScript;
import io.actdb.cli.demo.ResultTable;
import io.actdb.cli.plot.Heatmap;
import io.actdb.cli.plot.HeatmapData;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.data.FashionMnist;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.data.SampleSources;
import io.actdb.extractor.model.Devices;
import io.actdb.extractor.model.builtin.BuiltinModel;
import io.actdb.extractor.model.builtin.BuiltinModels;
import io.actdb.extractor.model.builtin.CheckpointInfo;
import io.actdb.extractor.model.builtin.Training;
import io.actdb.sql.StoreConnections;
import io.actdb.storage.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb demo}: the seed experiments, reproduced in SQL on Fashion-MNIST. Trains small models
 * (or reuses them), extracts their layers into a store, runs the scripts of {@code queries/sql/},
 * prints their tables and writes a report with CKA heatmaps; then the same questions on three
 * pretrained text encoders ({@link TextDemo}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reproduce the seed experiments on Fashion-MNIST: train small models (DJL), extract their"
          + " layers into a store, run the SQL scripts of queries/sql/ and write a report.",
      "Then the pretrained text encoders minilm-l6, bge-small and e5-small over the embedded"
          + " WordNet sentences: CKA layer x layer, layer identification, category separation by"
          + " layer.",
      "Models and store are reused by a later run. Uses the embedded 10 000 test images; when"
          + " Debian's dataset-fashion-mnist is installed, the models train on its training set.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb demo",
      "  ./actdb demo --quick --embedded-only",
    })
public final class DemoCommand extends ActdbCommand {
  @Option(
      names = "--quick",
      description =
          "A reduced run (smaller sets, fewer epochs, 40 sentences of each class) for a first look"
              + " or a test.")
  boolean quick;

  @Option(
      names = "--dir",
      paramLabel = "<dir>",
      description =
          "Where models, store and report go (default: actdb-demo, or actdb-demo-quick with"
              + " --quick).")
  Path dir;

  @Option(
      names = "--embedded-only",
      description =
          "Use only the embedded test images, even when the training set is installed (the same"
              + " results on every machine).")
  boolean embeddedOnly;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|gpu",
      description = "Where models run (default: ${DEFAULT-VALUE}).")
  String device;

  /** Sizes of a run. */
  record Plan(
      int trainSubset,
      int epochs,
      int overfitSubset,
      int overfitEarly,
      int overfitLate,
      int evalTrain,
      int evalTest) {}

  static final Plan FULL = new Plan(5000, 4, 1000, 5, 40, 4000, 2000);
  static final Plan QUICK = new Plan(1000, 1, 500, 2, 6, 1000, 500);

  /** One model of the demo: a training run and the checkpoint epochs the store gets. */
  record Run(
      String name,
      String architecture,
      long seed,
      int subset,
      int epochs,
      List<Integer> storedEpochs) {
    String storeName(int epoch) {
      return storedEpochs.size() == 1 ? name : String.format("%s-e%03d", name, epoch);
    }
  }

  @Override
  protected void execute() throws Exception {
    long start = System.nanoTime();
    Plan plan = quick ? QUICK : FULL;
    Path root = dir != null ? dir : Path.of(quick ? "actdb-demo-quick" : "actdb-demo");
    Path models = root.resolve("models");
    Path store = root.resolve("store");
    Path reportDir = root.resolve("report");
    Files.createDirectories(reportDir);
    Device dev = Devices.resolve(device);
    DemoReport report = new DemoReport(quick ? "actdb demo --quick" : "actdb demo");

    // 1. Data
    SampleSource test = FashionMnist.embeddedTest();
    Optional<FashionMnist.Split> installed =
        embeddedOnly ? Optional.empty() : FashionMnist.installedTrain();
    SampleSource trainPool;
    String dataNote;
    if (installed.isPresent()) {
      trainPool = installed.get();
      dataNote =
          "Training data: Fashion-MNIST's 60 000 training images ("
              + installed.get().source()
              + "); test data: the embedded 10 000 test images.";
    } else {
      trainPool = SampleSources.withSplit(SampleSources.range(test, 0, 5000), "train");
      test = SampleSources.range(test, 5000, 10000);
      dataNote =
          (embeddedOnly
                  ? "--embedded-only"
                  : "Fashion-MNIST's training set is not installed (Debian: dataset-fashion-mnist)")
              + ", so the first 5 000 embedded test images serve as training data (split 'train' in"
              + " this store) and the other 5 000 as test data.";
    }
    say("actdb demo%s: %s", quick ? " --quick" : "", dataNote);
    report.paragraph(dataNote);

    // 2. Models
    List<Run> runs = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      runs.add(
          new Run(
              "cnn-s" + seed,
              "cnn",
              seed,
              plan.trainSubset(),
              plan.epochs(),
              List.of(plan.epochs())));
    }
    runs.add(
        new Run(
            "resnet-s1", "resnet", 1, plan.trainSubset(), plan.epochs(), List.of(plan.epochs())));
    runs.add(
        new Run(
            "cnn-overfit",
            "cnn",
            7,
            plan.overfitSubset(),
            plan.overfitLate(),
            List.of(plan.overfitEarly(), plan.overfitLate())));
    Map<String, Path> checkpoints = new LinkedHashMap<>();
    List<List<Object>> modelRows = new ArrayList<>();
    for (Run run : runs) {
      for (Map.Entry<Integer, Path> e : trainOrReuse(run, trainPool, models, dev).entrySet()) {
        String storeName = run.storeName(e.getKey());
        checkpoints.put(storeName, e.getValue());
        try (BuiltinModel m = BuiltinModels.load(e.getValue(), dev)) {
          CheckpointInfo info = m.checkpoint().orElseThrow();
          modelRows.add(
              List.of(
                  storeName,
                  run.architecture(),
                  run.seed(),
                  run.subset(),
                  e.getKey(),
                  String.format("%.3f", info.accuracy())));
        }
      }
    }
    report.table(
        new ResultTable(
            "Models",
            List.of("model", "architecture", "seed", "trained on", "epoch", "train accuracy"),
            modelRows));

    // 3. Extraction: the same samples for every model, training images first.
    SampleSource eval =
        SampleSources.concat(
            List.of(
                SampleSources.range(trainPool, 0, plan.evalTrain()),
                SampleSources.range(test, 0, plan.evalTest())));
    long extractStart = System.nanoTime();
    try (BufferAllocator allocator = new RootAllocator();
        StoreWriter writer = StoreWriter.open(store, allocator)) {
      for (Map.Entry<String, Path> e : checkpoints.entrySet()) {
        try (BuiltinModel m = BuiltinModels.load(e.getValue(), dev);
            ExtractProgress progress = new ExtractProgress(err(), false)) {
          Extraction.Summary s =
              Extraction.run(
                  m,
                  eval,
                  writer,
                  dev,
                  new Extraction.Options(e.getKey(), List.of(), 256, Extraction.Pooling.AVG, false),
                  progress);
          say(
              "  extracted %s: %d layers%s",
              e.getKey(),
              s.written().size(),
              s.skipped().isEmpty() ? "" : " (" + s.skipped().size() + " already stored)");
        }
      }
    }
    say("extraction: %.1f s; store: %s", seconds(extractStart), store);

    // 4. The experiments, in SQL.
    Run overfit = runs.getLast();
    try (Connection c = StoreConnections.open(store)) {
      experiment(
          c,
          report,
          reportDir,
          "class_groups.sql",
          Map.of("model", "'cnn-s1'", "layers", "['conv3', 'fc1']", "split", "'train'"));
      experiment(
          c,
          report,
          reportDir,
          "pca_class_groups.sql",
          Map.of(
              "model",
              "'cnn-s1'",
              "layers",
              "['conv3', 'fc1']",
              "split",
              "'train'",
              "k",
              "16",
              "fewer",
              "100"));
      experiment(
          c,
          report,
          reportDir,
          "train_vs_test.sql",
          Map.of("model", "'cnn-s1'", "layers", "['conv3', 'fc1']"));
      for (String[] pair :
          List.of(
              new String[] {"cnn-s1", "cnn-s1"},
              new String[] {"cnn-s1", "cnn-s2"},
              new String[] {"cnn-s1", "resnet-s1"},
              new String[] {"resnet-s1", "resnet-s1"},
              new String[] {
                overfit.storeName(plan.overfitEarly()), overfit.storeName(plan.overfitLate())
              })) {
        experiment(
            c,
            report,
            reportDir,
            "cka_matrix.sql",
            Map.of(
                "model_a", "'" + pair[0] + "'", "model_b", "'" + pair[1] + "'", "split", "'test'"));
      }
      // Figure 2 of Kornblith et al. (2019): CCA and linear regression beside CKA, for one pair of
      // networks;
      // their images go to a folder of their own, apart from the CKA matrices.
      experiment(
          c,
          report,
          reportDir,
          reportDir.resolve("images").resolve("figure2"),
          "cca_matrix.sql",
          Map.of("model_a", "'cnn-s1'", "model_b", "'cnn-s2'", "split", "'test'"));
      experiment(
          c,
          report,
          reportDir,
          "overfitting.sql",
          Map.of(
              "early",
              "'" + overfit.storeName(plan.overfitEarly()) + "'",
              "late",
              "'" + overfit.storeName(plan.overfitLate()) + "'",
              "train_size",
              "" + plan.overfitSubset(),
              "test_size",
              "" + plan.overfitSubset()));
      experiment(
          c,
          report,
          reportDir,
          "layer_identification.sql",
          Map.of(
              "models",
              "['cnn-s1', 'cnn-s2', 'cnn-s3']",
              "exclude_layers",
              "['logits']",
              "split",
              "'test'"));
    }
    double imagePart = seconds(start);
    TextDemo.Timing text = new TextDemo(this, quick).run(store, report, reportDir);
    double total = seconds(start);
    report.paragraph(
        String.format(
            "Finished in %.0f s on %d cores: Fashion-MNIST part %.0f s, pretrained text encoders"
                + " %.0f s (extraction %.0f s, SQL %.0f s).",
            total,
            Runtime.getRuntime().availableProcessors(),
            imagePart,
            text.extraction() + text.sql(),
            text.extraction(),
            text.sql()));
    report.references();
    Path md = report.write(reportDir.resolve("README.md"));
    say("report: %s (%.0f s in all)", md, total);
  }

  /** Runs one script with its variables; prints and reports its tables, and draws CKA matrices. */
  private void experiment(
      Connection c, DemoReport report, Path reportDir, String name, Map<String, String> variables)
      throws Exception {
    experiment(c, report, reportDir, reportDir.resolve("images"), name, variables);
  }

  /**
   * As above, with the heatmaps in {@code imageDir}.
   *
   * @return the script's tables
   */
  List<ResultTable> experiment(
      Connection c,
      DemoReport report,
      Path reportDir,
      Path imageDir,
      String name,
      Map<String, String> variables)
      throws Exception {
    long t0 = System.nanoTime();
    ExperimentScript script = ExperimentScript.load(name);
    List<ResultTable> tables = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      for (Map.Entry<String, String> v : new TreeMap<>(variables).entrySet()) {
        st.execute("SET VARIABLE " + v.getKey() + " = " + v.getValue());
      }
      for (SqlScript.Statement s : SqlScript.split(script.text())) {
        if (st.execute(s.sql())) {
          try (ResultSet rs = st.getResultSet()) {
            String title = script.titleAbove(s.line());
            tables.add(ResultTable.of(title == null ? name : title, rs));
          }
        }
      }
      st.execute("RESET VARIABLE " + String.join("; RESET VARIABLE ", variables.keySet()));
    }
    String settings =
        variables.entrySet().stream()
            .map(e -> e.getKey() + " = " + e.getValue())
            .sorted()
            .reduce((a, b) -> a + ", " + b)
            .orElse("");
    say("%n== queries/sql/%s (%s) — %.1f s", name, settings, seconds(t0));
    report.section("queries/sql/" + name + " (" + settings + ")", script.description());
    for (ResultTable t : tables) {
      say("%s%n%s", t.title(), t.toConsole());
      report.table(t);
      if (name.equals("cka_matrix.sql")) {
        drawMatrices(t, report, reportDir, imageDir, CKA_MEASURES);
      } else if (name.equals("cca_matrix.sql")) {
        drawMatrices(t, report, reportDir, imageDir, FIGURE2_MEASURES);
      }
    }
    return tables;
  }

  /** Columns of cka_matrix.sql drawn as heatmaps, with their titles. */
  private static final Map<String, String> CKA_MEASURES =
      orderedMap("cka", "Linear CKA", "cka_debiased", "Debiased linear CKA");

  /**
   * Columns of cca_matrix.sql drawn as heatmaps (Kornblith et al. 2019, Figure 2), with their
   * titles.
   */
  private static final Map<String, String> FIGURE2_MEASURES =
      orderedMap(
          "cca_rho_mean", "CCA (mean ρ)", "linreg_r2", "Linear regression R² (column from row)");

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }

  private void drawMatrices(
      ResultTable t, DemoReport report, Path reportDir, Path imageDir, Map<String, String> measures)
      throws Exception {
    if (t.rows().isEmpty()) return;
    String modelA = t.text(0, "model_a");
    String modelB = t.text(0, "model_b");
    for (String measure : measures.keySet()) {
      List<String> rowLabels = new ArrayList<>();
      List<String> columnLabels = new ArrayList<>();
      for (int r = 0; r < t.rows().size(); r++) {
        if (!rowLabels.contains(t.text(r, "layer_a"))) rowLabels.add(t.text(r, "layer_a"));
        if (!columnLabels.contains(t.text(r, "layer_b"))) columnLabels.add(t.text(r, "layer_b"));
      }
      double[][] values = new double[rowLabels.size()][columnLabels.size()];
      for (int r = 0; r < t.rows().size(); r++) {
        values[rowLabels.indexOf(t.text(r, "layer_a"))][
                columnLabels.indexOf(t.text(r, "layer_b"))] =
            t.number(r, measure);
      }
      String file = measure + "_" + modelA + "_vs_" + modelB;
      List<Path> written =
          new Heatmap(new HeatmapData(rowLabels, columnLabels, values))
              .title(measures.get(measure) + ": " + modelA + " vs " + modelB + " (test)")
              .xTitle(modelB)
              .yTitle(modelA)
              .write(imageDir.resolve(file));
      report.image(
          measure + ": " + modelA + " vs " + modelB,
          reportDir.relativize(written.getFirst()),
          reportDir.relativize(written.getLast()));
      say("  heatmap: %s", written.getFirst());
    }
  }

  /** Trains a run, or reuses its checkpoints when an earlier demo saved the same ones. */
  private Map<Integer, Path> trainOrReuse(Run run, SampleSource train, Path models, Device dev)
      throws Exception {
    Training.Config config =
        Training.Config.of(run.architecture(), run.seed(), run.epochs(), models)
            .withSubsetSize(run.subset())
            .withCheckpointEpochs(new TreeSet<>(run.storedEpochs()))
            .withRunName(run.name() + "-n" + run.subset());
    Map<Integer, Path> found = new LinkedHashMap<>();
    for (int epoch : run.storedEpochs()) {
      Path params = models.resolve(config.checkpointName(epoch) + ".params");
      if (Files.exists(params) && sameRun(params, run, epoch, train, dev)) found.put(epoch, params);
    }
    if (found.size() == run.storedEpochs().size()) {
      say(
          "  %s: reusing %s",
          run.name(), found.values().stream().map(p -> p.getFileName().toString()).toList());
      return found;
    }
    long t0 = System.nanoTime();
    List<Path> saved;
    try (TrainingProgress progress = new TrainingProgress(err(), run.name(), run.epochs())) {
      saved = Training.run(config, train, dev, progress);
    }
    Map<Integer, Path> byEpoch = new LinkedHashMap<>();
    for (int i = 0; i < saved.size(); i++) byEpoch.put(run.storedEpochs().get(i), saved.get(i));
    say(
        "  %s: trained %s on %d images, %d epochs, seed %d (%.1f s)",
        run.name(), run.architecture(), run.subset(), run.epochs(), run.seed(), seconds(t0));
    return byEpoch;
  }

  private static boolean sameRun(Path params, Run run, int epoch, SampleSource train, Device dev) {
    try (BuiltinModel m = BuiltinModels.load(params, dev)) {
      CheckpointInfo info = m.checkpoint().orElseThrow();
      return info.architecture().equals(run.architecture())
          && info.seed() == run.seed()
          && info.epoch() == epoch
          && info.trainSubsetSize() == run.subset()
          && info.trainSource().equals(train.description());
    } catch (Exception e) {
      return false; // unreadable: train again
    }
  }

  void say(String format, Object... args) {
    out().printf(format + "%n", args);
    out().flush();
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
