package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.fjord.log.LogAssertions.assertLogMatches;
import static io.fjord.log.TestBatches.T0;

/**
 * A log whose files were damaged while the broker was down (torn writes, lost index pages, flipped bits)
 * opens as the longest valid prefix of its batches: every lookup agrees with the model cut there, and
 * nothing throws.
 */
class PartitionLogCrashTest {
    private static final LogConfig CONFIG = TestBatches.config("segment.bytes", "1500", "index.interval.bytes", "0",
            "segment.index.bytes", "400");

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final Random random = new Random(7);
    private Path pristine;
    private LogModel model;
    private List<Long> segmentBases;
    private int copies;

    /** Writes 40 batches of mixed codecs, sizes and timestamps over several segments, then closes the log cleanly. */
    @BeforeEach
    void writeLog() {
        pristine = root.resolve("pristine/topic-0");
        PartitionLog log = PartitionLog.open(pristine, CONFIG, LoadState.NEW, new LogEnvironment(time, scheduler), PartitionLog.Listener.NONE);
        model = new LogModel(0);
        for (int i = 0; i < 40; i++) {
            int records = 1 + random.nextInt(4);
            long[] offsets = new long[records];
            long[] timestamps = new long[records];
            for (int r = 0; r < records; r++) {
                offsets[r] = model.logEndOffset + r;
                timestamps[r] = T0 + random.nextInt(1000);
            }
            CompressionType codec = CompressionType.values()[random.nextInt(CompressionType.values().length)];
            ByteBuf batch = TestBatches.batchAt(codec, model.logEndOffset, offsets, timestamps, random.nextInt(120));
            batch.setInt(12, i % 3);
            ByteBuf kept = batch.copy();
            log.appendAsFollower(batch);
            model.append(kept);
        }
        segmentBases = log.segments().stream().map(LogSegment::baseOffset).toList();
        log.close();
    }

    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    private long activeBase() {
        return segmentBases.get(segmentBases.size() - 1);
    }

    private Path file(Path dir, long base, String suffix) {
        return dir.resolve(LogSegment.fileName(base, suffix));
    }

    @Test
    void cuttingTheActiveSegmentAnywhereLeavesTheWholeBatchesBeforeTheCut() {
        List<LogModel.Batch> active = model.batchesFrom(activeBase());
        List<Integer> ends = new ArrayList<>();
        TreeSet<Integer> cuts = new TreeSet<>();
        int position = 0;
        for (LogModel.Batch batch : active) {
            position += batch.bytes().length;
            ends.add(position);
        }
        for (int p = 0; p <= position; p += 5) {
            cuts.add(p);
        }
        for (int end : ends) {
            cuts.addAll(List.of(end - 1, end, end + 1));
        }
        cuts.add(0);
        for (int cut : cuts.headSet(position, true)) {
            int whole = (int) ends.stream().filter(end -> end <= cut).count();
            long expectedEnd = whole == 0 ? activeBase() : active.get(whole - 1).lastOffset() + 1;

            checkDamaged(dir -> truncate(file(dir, activeBase(), ".log"), cut), logEndOffset(), expectedEnd);
        }
    }

    @Test
    void aFlippedByteInsideABatchCutsTheLogAtThatBatch() {
        List<LogModel.Batch> active = model.batchesFrom(activeBase());
        int position = 0;
        for (LogModel.Batch batch : active) {
            int flipAt = position + 16 + random.nextInt(batch.bytes().length - 16);
            checkDamaged(dir -> flipByte(file(dir, activeBase(), ".log"), flipAt), logEndOffset(), batch.baseOffset());
            position += batch.bytes().length;
        }
    }

    @Test
    void aFlippedByteInAnOldSegmentCutsThereAndDropsLaterSegmentsWhenEverythingIsRecovered() {
        long base = segmentBases.get(1);
        LogModel.Batch victim = model.batchesFrom(base).get(1);
        int flipAt = model.batchesFrom(base).get(0).bytes().length + 30;

        checkDamaged(dir -> flipByte(file(dir, base, ".log"), flipAt), 0, victim.baseOffset());
    }

    @Test
    void theRecoveredSegmentsIndexesMayHoldAnything() {
        for (String suffix : List.of(".index", ".timeindex")) {
            checkDamaged(dir -> write(file(dir, activeBase(), suffix), randomBytes(1 + random.nextInt(1000))), logEndOffset(), logEndOffset());
            checkDamaged(dir -> write(file(dir, activeBase(), suffix), new byte[400]), logEndOffset(), logEndOffset());
            checkDamaged(dir -> write(file(dir, activeBase(), suffix), new byte[0]), logEndOffset(), logEndOffset());
            checkDamaged(dir -> {
                for (long base : segmentBases) {
                    write(file(dir, base, suffix), randomBytes(random.nextInt(500)));
                }
            }, 0, logEndOffset());
        }
    }

    @Test
    void cuttingTheActiveSegmentsIndexesAnywhereLosesNothing() {
        for (String suffix : List.of(".index", ".timeindex")) {
            int length = (int) size(file(pristine, activeBase(), suffix));
            for (int i = 0; i < 40; i++) {
                int cut = random.nextInt(length + 1);
                checkDamaged(dir -> truncate(file(dir, activeBase(), suffix), cut), logEndOffset(), logEndOffset());
            }
        }
    }

    /** A zeroed time index of one entry is not detectable without reading the log, so it is left out. */
    @Test
    void detectablyBrokenIndexesOfTrustedSegmentsAreRebuilt() {
        for (long base : segmentBases.subList(0, segmentBases.size() - 1)) {
            for (String suffix : List.of(".index", ".timeindex")) {
                if (suffix.equals(".index") || size(file(pristine, base, suffix)) > TimeIndex.ENTRY_SIZE) {
                    checkDamaged(dir -> zero(file(dir, base, suffix)), logEndOffset(), logEndOffset());
                }
                checkDamaged(dir -> truncate(file(dir, base, suffix), (int) size(file(dir, base, suffix)) - 1), logEndOffset(), logEndOffset());
                checkDamaged(dir -> extend(file(dir, base, suffix), 400), logEndOffset(), logEndOffset());
                checkDamaged(dir -> delete(file(dir, base, suffix)), logEndOffset(), logEndOffset());
            }
        }
    }

    private long logEndOffset() {
        return model.logEndOffset;
    }

    private interface Damage {
        void apply(Path dir) throws IOException;
    }

    /**
     * Copies the pristine log, damages the copy, opens it as after a crash with the given recovery point and
     * checks it against the model cut at {@code expectedEnd}; then appends to make sure it goes on working.
     */
    private void checkDamaged(Damage damage, long recoveryPoint, long expectedEnd) {
        Path dir = root.resolve("copy-" + copies++ + "/topic-0");
        TestBatches.copyDirectory(pristine, dir);
        try {
            damage.apply(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LogModel expected = new LogModel(0);
        model.batchesFrom(0).stream().filter(b -> b.lastOffset() < expectedEnd).forEach(b -> expected.append(Unpooled.wrappedBuffer(b.bytes())));
        PartitionLog log = PartitionLog.open(dir, CONFIG, new LoadState(false, recoveryPoint, 0), new LogEnvironment(time, scheduler),
                PartitionLog.Listener.NONE);
        try {
            assertLogMatches(expected, log);
            ByteBuf next = TestBatches.batch(expected.logEndOffset, T0);
            log.appendAsFollower(next.copy());
            expected.append(next);
            assertLogMatches(expected, log);
        } finally {
            log.close();
            TestBatches.deleteRecursively(dir.getParent());
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void truncate(Path file, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Math.max(length, 0));
        }
    }

    private static void extend(Path file, int length) throws IOException {
        truncate(file, Math.max(length, (int) Files.size(file)));
    }

    private static void zero(Path file) throws IOException {
        Files.write(file, new byte[(int) Files.size(file)]);
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
    }

    private static void delete(Path file) throws IOException {
        Files.delete(file);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flipByte(Path file, int position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5a);
        }
    }
}
