package io.actdb.sql.tables;

import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableScanner;
import io.actdb.storage.FileChecksums;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * One execution of an {@link ArrowFileScan}: the record batches listed in the file's footer and the
 * next one to hand out. Holds no open file; each thread's {@link ArrowFileScanner} opens its own.
 */
final class ArrowScanTask implements ScanTask {
  final ArrowFileScan scan;
  final ArrowFile file;
  final List<ArrowBlock> blocks;
  final int[] fieldIndexes;
  final SqlType[] types;

  /** What each batch is checked against, or null. */
  final FileChecksums checksums;

  private final AtomicInteger nextBlock = new AtomicInteger();

  ArrowScanTask(
      ArrowFileScan scan,
      ArrowFile file,
      List<ArrowBlock> blocks,
      int[] fieldIndexes,
      SqlType[] types,
      FileChecksums checksums) {
    this.scan = scan;
    this.file = file;
    this.blocks = List.copyOf(blocks);
    this.fieldIndexes = fieldIndexes;
    this.types = types;
    this.checksums = checksums;
  }

  @Override
  public int maxThreads() {
    return Math.max(1, blocks.size());
  }

  @Override
  public TableScanner newScanner() {
    return new ArrowFileScanner(this);
  }

  /** The index of the next record batch nobody has claimed, or -1 when all are taken. */
  int claimBlock() {
    int b = nextBlock.getAndIncrement();
    return b < blocks.size() ? b : -1;
  }
}
