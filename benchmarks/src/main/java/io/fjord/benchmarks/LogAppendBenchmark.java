package io.fjord.benchmarks;

import io.fjord.log.AppendOrigin;
import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.LogEnvironment;
import io.fjord.log.PartitionLog;
import io.fjord.log.Scheduler;
import io.fjord.log.ThreadScheduler;
import io.fjord.log.Time;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Appending one 16 KiB uncompressed batch of 1 KiB (or {@code valueBytes}) records per operation: {@code partitionLog} through
 * {@link PartitionLog#append} (CRC check, offsets assigned in place, write, index entries), {@code rawFile}
 * as one sequential {@link FileChannel#write} of the same bytes to a plain, not preallocated file. The target
 * is partitionLog at 80% or more of rawFile's rate; the {@code megabytes} counter gives each in MB/s (10^6 bytes).
 *
 * <p>The batch is built once and appended again and again, so the log, not batch building, is measured. Both
 * start a new file at segment.bytes (128 MiB), so rolls are included, and start each iteration in a new
 * temporary directory, deleted after it. Neither fsyncs: flush.messages and flush.ms keep Kafka's defaults
 * (never), and the fsync the log schedules when it rolls a segment runs only with {@code rollFlush=async}.
 * Iterations are short so the written bytes stay within the kernel's dirty page limits: the page cache is
 * measured, not the disk.
 *
 * <p>{@code validation} compares leader-side checks in one run: {@code trusted} appends as
 * {@link AppendOrigin#COORDINATOR} (size and CRC only, the checks before Kafka's record validation was added),
 * {@code client} as {@link AppendOrigin#CLIENT} to a delete topic (batch rules, records walked for offsets and
 * timestamps), {@code clientCompacted} as a client to a compacted topic (keys checked too).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LogAppendBenchmark {
    static final int SEGMENT_BYTES = 128 * 1024 * 1024;
    static final int BATCH_BYTES = 16 * 1024;

    /** MB written per second, reset every iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Written {
        public double megabytes;

        @Setup(Level.Iteration)
        public void reset() {
            megabytes = 0;
        }

        void add(int bytes) {
            megabytes += bytes / 1e6;
        }
    }

    @State(Scope.Thread)
    public static class Log {
        /** off: rolls schedule their fsync on a scheduler that drops it; async: it runs on a background thread, as in a broker. */
        @Param({"off", "async"})
        public String rollFlush;
        @Param({"trusted", "client", "clientCompacted"})
        public String validation;
        @Param({"1024"})
        public int valueBytes;
        AppendOrigin origin;
        ByteBuf batch;
        Path dir;
        Scheduler scheduler;
        PartitionLog log;

        @Setup(Level.Trial)
        public void buildBatch() {
            batch = Batches.uncompressed(BATCH_BYTES, valueBytes);
            origin = validation.equals("trusted") ? AppendOrigin.COORDINATOR : AppendOrigin.CLIENT;
        }

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("fjord-append-log");
            LogConfig config = LogConfig.of(Map.of("segment.bytes", Integer.toString(SEGMENT_BYTES),
                    "cleanup.policy", validation.equals("clientCompacted") ? "compact" : "delete"), Map.of());
            scheduler = rollFlush.equals("async") ? new ThreadScheduler(1, "roll-flush") : BenchmarkLogs.DROPPING;
            log = PartitionLog.open(dir.resolve("bench-0"), config, LoadState.NEW,
                    new LogEnvironment(Time.SYSTEM, scheduler), PartitionLog.Listener.NONE);
        }

        @TearDown(Level.Iteration)
        public void delete() {
            log.close();
            scheduler.close();
            BenchmarkLogs.deleteRecursively(dir);
        }

        @TearDown(Level.Trial)
        public void releaseBatch() {
            batch.release();
        }
    }

    @State(Scope.Thread)
    public static class RawFile {
        ByteBuf batch;
        ByteBuffer bytes;
        Path dir;
        FileChannel channel;
        long fileSize;
        int files;

        @Setup(Level.Trial)
        public void buildBatch() {
            batch = Batches.uncompressed(BATCH_BYTES);
            bytes = batch.nioBuffer();
        }

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("fjord-append-raw");
            files = 0;
            roll();
        }

        void write() throws IOException {
            if (fileSize + bytes.limit() > SEGMENT_BYTES) {
                channel.close();
                roll();
            }
            bytes.rewind();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            fileSize += bytes.limit();
        }

        private void roll() throws IOException {
            channel = FileChannel.open(dir.resolve(files++ + ".raw"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            fileSize = 0;
        }

        @TearDown(Level.Iteration)
        public void delete() throws IOException {
            channel.close();
            BenchmarkLogs.deleteRecursively(dir);
        }

        @TearDown(Level.Trial)
        public void releaseBatch() {
            batch.release();
        }
    }

    @Benchmark
    public long partitionLog(Log state, Written written) {
        long lastOffset = state.log.append(state.batch, 0, state.origin).lastOffset();
        written.add(state.batch.readableBytes());
        return lastOffset;
    }

    @Benchmark
    public void rawFile(RawFile state, Written written) throws IOException {
        state.write();
        written.add(state.bytes.limit());
    }
}
