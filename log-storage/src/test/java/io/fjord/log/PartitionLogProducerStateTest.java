package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.LogAssertions.readAll;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent producers against a partition log: duplicates, fencing and sequence checks, across reopen and truncation. */
class PartitionLogProducerStateTest {
    private static final long PID = 7000L;
    private static final LogConfig SMALL_SEGMENTS = TestBatches.config("segment.bytes", "400", "index.interval.bytes", "0");

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private Path dir() {
        return root.resolve("topic-0");
    }

    private PartitionLog open(Path dir, LogConfig config, LoadState state) {
        PartitionLog log = PartitionLog.open(dir, config, state, new LogEnvironment(time, scheduler));
        opened.add(log);
        return log;
    }

    private PartitionLog open(LogConfig config) {
        return open(dir(), config, LoadState.NEW);
    }

    private PartitionLog openCountingReads(Path dir, LoadState state, FaultyChannel.Faults counting) {
        PartitionLog log = PartitionLog.open(dir, SMALL_SEGMENTS, state, new LogEnvironment(time, scheduler, counting, LogDirFailureListener.IGNORE));
        opened.add(log);
        return log;
    }

    private static long logBytesFrom(Path dir, long baseOffset) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log") && f.getFileName().toString().compareTo(LogSegment.fileName(baseOffset, ".log")) >= 0)
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** A batch of {@code records} records from producer {@link #PID} as a client sends it; equal arguments give equal bytes. */
    private static ByteBuf produced(int epoch, int baseSequence, int records) {
        return ProducerBatches.idempotent(0, PID, epoch, baseSequence, records, T0).buffer();
    }

    /** Appends {@code count} batches of 2 records with consecutive sequences from 0, as leader; returns their results. */
    private static List<AppendResult> produceBatches(PartitionLog log, int count) {
        return produceBatches(log, 0, count);
    }

    /** Appends batches number {@code from} to {@code from + count - 1} of the series {@link #produceBatches(PartitionLog, int)} starts. */
    private static List<AppendResult> produceBatches(PartitionLog log, int from, int count) {
        List<AppendResult> results = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            results.add(log.append(produced(0, 2 * i, 2), 0));
        }
        return results;
    }

    private List<String> snapshotFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".snapshot")).sorted().toList();
        }
    }

    private static String snapshot(long offset) {
        return String.format("%020d.snapshot", offset);
    }

    @Test
    void aRetriedBatchIsNotWrittenAgainAndIsAnsweredWithItsOriginalOffsets() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.append(TestBatches.batch(0, T0), 0);
        List<AppendResult> first = produceBatches(log, 3);
        int batchesBefore = readAll(log, 100_000).size();

        AppendResult retry = log.append(produced(0, 2, 2), 0);

        assertEquals(new AppendResult(3, 4, T0, 0), retry, "original offsets; the batch's max timestamp as log append time");
        assertEquals(first.get(1).firstOffset(), retry.firstOffset());
        assertEquals(7, log.logEndOffset());
        assertEquals(batchesBefore, readAll(log, 100_000).size());
    }

    @Test
    void onlyTheLastFiveBatchesOfAProducerAreRecognisedAsRetries() {
        PartitionLog log = open(LogConfig.defaultConfig());
        produceBatches(log, 6);

        assertEquals(2, log.append(produced(0, 2, 2), 0).firstOffset(), "the second batch is among the last five");
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(produced(0, 0, 2), 0), "the first is forgotten");
    }

    @Test
    void anOutOfOrderSequenceIsRejectedWithNothingWritten() {
        PartitionLog log = open(LogConfig.defaultConfig());
        produceBatches(log, 2);

        OutOfOrderSequenceException e = assertThrows(OutOfOrderSequenceException.class, () -> log.append(produced(0, 6, 2), 0));

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, e.errorCode());
        assertEquals(4, log.logEndOffset());
        assertEquals(2, readAll(log, 100_000).size());
    }

    @Test
    void anOlderProducerEpochIsFencedWithNothingWritten() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.append(produced(3, 0, 2), 0);

        InvalidProducerEpochException e = assertThrows(InvalidProducerEpochException.class, () -> log.append(produced(2, 2, 2), 0));

        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, e.errorCode());
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void consecutiveBatchesOfAProducerInOneAppendAreCheckedAgainstEachOther() {
        PartitionLog log = open(LogConfig.defaultConfig());

        AppendResult result = log.append(concat(produced(0, 0, 2), produced(0, 2, 3)), 0);

        assertEquals(new AppendResult(0, 4, -1, 0), result);
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(concat(produced(0, 5, 1), produced(0, 7, 1)), 0));
        assertEquals(5, log.logEndOffset(), "a bad batch rejects the whole append");
    }

    @Test
    void anAppendHoldingARetriedBatchWritesNothingAndIsAnsweredWithTheRetriedBatch() {
        PartitionLog log = open(LogConfig.defaultConfig());
        produceBatches(log, 2);

        AppendResult result = log.append(concat(produced(0, 4, 2), produced(0, 2, 2)), 0);

        assertEquals(new AppendResult(2, 3, T0, 0), result);
        assertEquals(4, log.logEndOffset());
    }

    @Test
    void retriesAreRecognisedAfterACleanRestartFromTheCloseSnapshotAlone() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        List<AppendResult> first = produceBatches(log, 20);
        Map<Long, ProducerEntry> producers = log.activeProducers();
        LoadState state = new LoadState(true, log.recoveryPoint(), log.logStartOffset());
        log.close();
        assertTrue(snapshotFiles(dir()).contains(snapshot(40)), "a snapshot at the log end offset on close");
        FaultyChannel.Faults counting = new FaultyChannel.Faults();

        PartitionLog reopened = openCountingReads(dir(), state, counting);

        assertEquals(producers, reopened.activeProducers());
        assertTrue(counting.bytesRead.get() <= 3 * BatchHeader.BYTES, "no batch replayed: " + counting.bytesRead.get());
        assertEquals(new AppendResult(first.get(17).firstOffset(), first.get(17).lastOffset(), T0, 0),
                reopened.append(produced(0, 34, 2), 0));
        assertEquals(40, reopened.append(produced(0, 40, 2), 0).firstOffset());
    }

    @Test
    void afterAnUncleanShutdownStateComesFromASnapshotAtOrBelowTheRecoveryPointAndAReplay() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        produceBatches(log, 10);
        time.advance(0);
        long recoveryPoint = log.recoveryPoint();
        produceBatches(log, 10, 10);
        List<String> snapshots = snapshotFiles(dir());
        assertTrue(snapshots.get(0).compareTo(snapshot(recoveryPoint)) <= 0 && snapshots.get(snapshots.size() - 1).compareTo(snapshot(recoveryPoint)) > 0,
                "snapshots " + snapshots + " on both sides of the recovery point " + recoveryPoint);
        Path crashImage = root.resolve("crash/topic-0");
        TestBatches.copyDirectory(dir(), crashImage);
        ProducerSnapshotFile.write(crashImage.resolve(snapshot(38)), List.of(), true);
        FaultyChannel.Faults counting = new FaultyChannel.Faults();

        PartitionLog recovered = openCountingReads(crashImage, new LoadState(false, recoveryPoint, 0), counting);

        assertEquals(log.activeProducers(), recovered.activeProducers(), "the stale empty snapshot at 38 was not used");
        assertTrue(counting.bytesRead.get() < logBytesFrom(crashImage, recoveryPoint) + 500,
                "only batches from the snapshot at the recovery point on were read: " + counting.bytesRead.get());
        List<String> expected = new ArrayList<>(snapshots.stream().filter(name -> name.compareTo(snapshot(recoveryPoint)) <= 0).toList());
        expected.add(snapshot(40));
        assertEquals(expected, snapshotFiles(crashImage), "later snapshots are not trusted; one is taken at the log end offset after the replay");
        assertEquals(30, recovered.append(produced(0, 30, 2), 0).firstOffset());
    }

    @Test
    void withoutAUsableSnapshotTheWholeLogIsReplayed() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        produceBatches(log, 20);
        Path crashImage = root.resolve("crash/topic-0");
        TestBatches.copyDirectory(dir(), crashImage);

        PartitionLog recovered = open(crashImage, SMALL_SEGMENTS, new LoadState(false, 0, 0));

        assertEquals(log.activeProducers(), recovered.activeProducers());
        assertEquals(32, recovered.append(produced(0, 32, 2), 0).firstOffset());
    }

    @Test
    void truncationRewindsProducerStateToTheBatchesLeft() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        produceBatches(log, 20);

        log.truncateTo(10);

        assertTrue(snapshotFiles(dir()).stream().allMatch(name -> name.compareTo(snapshot(10)) <= 0), "no snapshot above the new end");
        assertEquals(8, log.append(produced(0, 8, 2), 0).firstOffset(), "the last batch left is still known");
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(produced(0, 12, 2), 0), "truncated batches are forgotten");
        assertEquals(10, log.append(produced(0, 10, 2), 0).firstOffset());
        assertEquals(12, log.logEndOffset());
    }

    @Test
    void aTruncationInsideABatchRollsWithoutSnapshottingTheDiscardedState() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        produceBatches(log, 20);

        log.truncateTo(11);

        assertEquals(11, log.logEndOffset());
        assertFalse(snapshotFiles(dir()).contains(snapshot(11)));
        assertEquals(9, log.activeProducers().get(PID).lastSeq());
        assertEquals(11, log.append(produced(0, 10, 2), 0).firstOffset(), "the removed batch is accepted again");
    }

    @Test
    void followerAppendsUpdateProducerStateSoALeaderAfterwardsRecognisesRetries() {
        PartitionLog log = open(LogConfig.defaultConfig());
        ByteBuf replicated = produced(0, 0, 2);
        replicated.setLong(0, 5);

        log.appendAsFollower(replicated);

        assertEquals(new AppendResult(5, 6, T0, 0), log.append(produced(0, 0, 2), 1));
    }

    @Test
    void truncatingFullyForgetsEveryProducer() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        produceBatches(log, 20);

        log.truncateFullyAndStartAt(100);

        assertEquals(Map.of(), log.activeProducers());
        assertEquals(List.of(), snapshotFiles(dir()));
        assertEquals(100, log.append(produced(0, 2, 2), 0).firstOffset(), "written again, as for an unknown producer");
    }

    @Test
    void producersIdleForTheExpirationTimeAreForgotten() {
        PartitionLog log = PartitionLog.open(dir(), LogConfig.defaultConfig(), LoadState.NEW,
                new LogEnvironment(time, scheduler, FileChannelFactory.DEFAULT, LogDirFailureListener.IGNORE, 60_000));
        opened.add(log);
        log.append(produced(0, 0, 2), 0);
        time.advance(59_999);
        log.removeExpiredProducers();
        assertFalse(log.activeProducers().isEmpty());

        time.advance(1);
        log.removeExpiredProducers();

        assertEquals(Map.of(), log.activeProducers());
        assertEquals(2, log.append(produced(0, 0, 2), 0).firstOffset(), "a retry after expiration is written again");
    }
}
