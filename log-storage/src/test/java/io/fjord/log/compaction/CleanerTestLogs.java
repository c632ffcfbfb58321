package io.fjord.log.compaction;

import io.fjord.log.FileSlice;
import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.LogDirFailureListener;
import io.fjord.log.LogEnvironment;
import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;
import io.fjord.log.OffsetCheckpointFile;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.log.compaction.TestBatches.View;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.compaction.TestBatches.batchesOf;
import static io.fjord.log.compaction.TestBatches.utf8;
import static io.fjord.log.compaction.TestBatches.viewsOf;

/** Opens, fills and reads back partition logs for the cleaner tests, on a {@link MockTime} and {@link MockScheduler}. */
final class CleanerTestLogs implements AutoCloseable {
    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> opened = new ArrayList<>();

    /** A compacted topic's config: cleanup.policy=compact plus {@code keyValues} overrides. */
    static LogConfig compacted(String... keyValues) {
        Map<String, String> overrides = new HashMap<>(Map.of("cleanup.policy", "compact"));
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return LogConfig.of(overrides, Map.of());
    }

    PartitionLog open(Path dir, LogConfig config) {
        return open(dir, config, LoadState.NEW);
    }

    PartitionLog open(Path dir, LogConfig config, LoadState state) {
        PartitionLog log = PartitionLog.open(dir, config, state, new LogEnvironment(time, scheduler), PartitionLog.Listener.NONE);
        opened.add(log);
        return log;
    }

    /** Closes {@code log} and opens it again, after a clean shutdown or a crash. */
    PartitionLog reopen(PartitionLog log, boolean cleanShutdown) {
        LoadState state = new LoadState(cleanShutdown, cleanShutdown ? log.logEndOffset() : 0, log.logStartOffset());
        log.close();
        return open(log.dir(), log.config(), state);
    }

    /** Appends one batch as leader, timestamped now, of the records {@code key1, value1, key2, value2, ...}; null values are tombstones. */
    void append(PartitionLog log, String... keyValues) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.append(time.milliseconds(), utf8(keyValues[i]), utf8(keyValues[i + 1]), List.of());
        }
        log.append(builder.build(), 0);
    }

    /** Appends one single-record batch per key-value pair. */
    void appendEach(PartitionLog log, String... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            append(log, keyValues[i], keyValues[i + 1]);
        }
    }

    /** Every record from the log start offset to the log end offset, read through {@link PartitionLog#read}. */
    static List<View> records(PartitionLog log) {
        List<View> records = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<RecordBatch> batches = batchesOf(bytes(log.read(offset, 1 << 20, Long.MAX_VALUE, true)));
            if (batches.isEmpty()) {
                break;
            }
            batches.forEach(batch -> records.addAll(viewsOf(batch)));
            offset = batches.get(batches.size() - 1).nextOffset();
        }
        return records;
    }

    static List<View> records(String... offsetKeyValues) {
        List<View> records = new ArrayList<>();
        for (int i = 0; i < offsetKeyValues.length; i += 3) {
            records.add(new View(Long.parseLong(offsetKeyValues[i]), 0, offsetKeyValues[i + 1], offsetKeyValues[i + 2]));
        }
        return records;
    }

    /** The records without their timestamps, to compare with {@link #records(String...)}. */
    static List<View> withoutTimestamps(List<View> records) {
        return records.stream().map(r -> new View(r.offset(), 0, r.key(), r.value())).toList();
    }

    static ByteBuf bytes(FileSlice slice) {
        try {
            return slice.readBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<TopicPartition, Long> checkpoints(Path logDir) {
        return new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoints.FILE)).read();
    }

    /** Names of the segment files (.log, .index, .timeindex, with any suffix) in a partition directory. */
    static List<String> fileNames(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("\\d{20}\\.(log|index|timeindex).*"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LogCleaner cleaner(MockTime time, int dedupeBytes) {
        return new LogCleaner(new CleanerConfig(1, dedupeBytes, 0.9, 512, 15_000, true), time, LogDirFailureListener.IGNORE);
    }

    @Override
    public void close() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }
}
