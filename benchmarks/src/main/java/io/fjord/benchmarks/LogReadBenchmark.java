package io.fjord.benchmarks;

import io.fjord.log.FileSlice;
import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.PartitionLog;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Fetching from a hot segment: {@code slice} is {@link PartitionLog#read} at random offsets up to the log
 * end offset, returning the {@link FileSlice} the network layer sends with zero copy. Run with
 * {@code -prof gc}: its gc.alloc.rate.norm (bytes per fetch) must be the same for both {@code maxBytes},
 * i.e. nothing is copied per byte. {@code copying} also reads the slice's bytes onto the heap, the
 * per-byte cost that {@code slice} avoids, to show that the measurement would catch one.
 *
 * <p>The log is one active segment of 64 MiB (16 KiB batches of 1 KiB records), just written and so in the
 * page cache, in a temporary directory deleted afterwards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LogReadBenchmark {
    private static final int LOG_BYTES = 64 * 1024 * 1024;
    private static final int FETCH_OFFSETS = 4096;
    @Param({"65536", "1048576"})
    public int maxBytes;
    private Path dir;
    private PartitionLog log;
    private final long[] fetchOffsets = new long[FETCH_OFFSETS];
    private int next;

    @Setup
    public void writeLog() throws IOException {
        dir = Files.createTempDirectory("fjord-read");
        log = PartitionLog.open(dir.resolve("bench-0"), LogConfig.defaultConfig(), LoadState.NEW, BenchmarkLogs.withoutBackgroundWork(), PartitionLog.Listener.NONE);
        ByteBuf batch = Batches.uncompressed(LogAppendBenchmark.BATCH_BYTES);
        for (int written = 0; written + batch.readableBytes() <= LOG_BYTES; written += batch.readableBytes()) {
            log.append(batch, 0);
        }
        batch.release();
        Random random = new Random(7);
        for (int i = 0; i < FETCH_OFFSETS; i++) {
            fetchOffsets[i] = random.nextLong(log.logEndOffset());
        }
    }

    @TearDown
    public void delete() {
        log.close();
        BenchmarkLogs.deleteRecursively(dir);
    }

    @Benchmark
    public FileSlice slice() {
        return fetch();
    }

    @Benchmark
    public int copying() throws IOException {
        ByteBuf bytes = fetch().readBytes();
        int length = bytes.readableBytes();
        bytes.release();
        return length;
    }

    private FileSlice fetch() {
        long offset = fetchOffsets[next++ & (FETCH_OFFSETS - 1)];
        return log.read(offset, maxBytes, log.logEndOffset(), true);
    }
}
