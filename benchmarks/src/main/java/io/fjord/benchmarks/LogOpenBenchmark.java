package io.fjord.benchmarks;

import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.PartitionLog;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Opening a log of 1,000 segments of 1 MiB (16 KiB batches of 1 KiB records), written once per fork and
 * closed cleanly. {@code clean} opens it as after a clean shutdown, which must scan nothing and take well
 * under a second; {@code uncleanFromLastSegment} as after a crash with the recovery point at the last
 * segment's base offset, which must recover only that segment and so take about as long as {@code clean};
 * {@code uncleanFromStart} with recovery point 0, which recovers (CRC-checks and re-indexes) all of them.
 * Each opened log is closed after its measurement and must have the written log end offset. Files are in
 * the page cache, so recovery is measured without disk reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class LogOpenBenchmark {
    private static final int SEGMENTS = 1000;
    private static final int SEGMENT_BYTES = 1024 * 1024;
    private final LogConfig config = BenchmarkLogs.config(SEGMENT_BYTES);
    private Path root;
    private Path dir;
    private long logEndOffset;
    private long lastSegmentBaseOffset;
    private PartitionLog opened;

    @Setup(Level.Trial)
    public void writeLog() throws IOException {
        root = Files.createTempDirectory("fjord-open");
        dir = root.resolve("bench-0");
        ByteBuf batch = Batches.uncompressed(LogAppendBenchmark.BATCH_BYTES);
        int batchesPerSegment = SEGMENT_BYTES / batch.readableBytes();
        try (PartitionLog log = open(LoadState.NEW)) {
            for (int i = 0; i < SEGMENTS * batchesPerSegment; i++) {
                log.append(batch, 0);
            }
            logEndOffset = log.logEndOffset();
        }
        batch.release();
        try (Stream<Path> files = Files.list(dir)) {
            long[] baseOffsets = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".log"))
                    .mapToLong(name -> Long.parseLong(name.substring(0, 20)))
                    .sorted()
                    .toArray();
            if (baseOffsets.length != SEGMENTS) {
                throw new IllegalStateException("wrote " + baseOffsets.length + " segments, not " + SEGMENTS);
            }
            lastSegmentBaseOffset = baseOffsets[SEGMENTS - 1];
        }
    }

    @TearDown(Level.Invocation)
    public void closeOpened() {
        opened.close();
        if (opened.logEndOffset() != logEndOffset) {
            throw new IllegalStateException("opened with log end offset " + opened.logEndOffset() + ", not " + logEndOffset);
        }
    }

    @TearDown(Level.Trial)
    public void delete() {
        BenchmarkLogs.deleteRecursively(root);
    }

    @Benchmark
    public PartitionLog clean() {
        return opened = open(new LoadState(true, logEndOffset, 0));
    }

    @Benchmark
    public PartitionLog uncleanFromLastSegment() {
        return opened = open(new LoadState(false, lastSegmentBaseOffset, 0));
    }

    @Benchmark
    public PartitionLog uncleanFromStart() {
        return opened = open(new LoadState(false, 0, 0));
    }

    private PartitionLog open(LoadState state) {
        return PartitionLog.open(dir, config, state, BenchmarkLogs.withoutBackgroundWork(), PartitionLog.Listener.NONE);
    }
}
