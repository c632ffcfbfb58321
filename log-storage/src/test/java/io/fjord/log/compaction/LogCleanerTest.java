package io.fjord.log.compaction;

import io.fjord.log.LogConfig;
import io.fjord.log.LogDirFailureListener;
import io.fjord.log.OffsetCheckpointFile;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fjord.log.compaction.CleanerTestLogs.checkpoints;
import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.CleanerTestLogs.fileNames;
import static io.fjord.log.compaction.CleanerTestLogs.records;
import static io.fjord.log.compaction.CleanerTestLogs.withoutTimestamps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogCleanerTest {
    private static final TopicPartition TOPIC_0 = new TopicPartition("topic", 0);

    @TempDir
    Path root;
    private final CleanerTestLogs logs = new CleanerTestLogs();
    private final LogCleaner cleaner = CleanerTestLogs.cleaner(logs.time, 1 << 16);

    @AfterEach
    void close() {
        cleaner.close();
        logs.close();
    }

    private PartitionLog compactedLog(TopicPartition partition, LogConfig config) {
        PartitionLog log = logs.open(root.resolve(partition.toString()), config);
        cleaner.addLog(CleanableLog.of(partition, log));
        return log;
    }

    private PartitionLog compactedLog(LogConfig config) {
        return compactedLog(TOPIC_0, config);
    }

    @Test
    void cleaningKeepsTheLatestRecordOfEachKeyAtItsOffsetAndSurvivesReopen() {
        // given
        PartitionLog log = compactedLog(compacted("file.delete.delay.ms", "1000"));
        logs.appendEach(log, "k1", "a", "k2", "b");
        log.roll();
        logs.appendEach(log, "k1", "c", "k3", "d");
        log.roll();
        logs.appendEach(log, "k2", "e");
        log.roll();
        logs.appendEach(log, "k1", "f");

        // when
        boolean cleaned = cleaner.cleanOnce();

        // then
        assertTrue(cleaned);
        var expected = records("2", "k1", "c", "3", "k3", "d", "4", "k2", "e", "5", "k1", "f");
        assertEquals(expected, withoutTimestamps(records(log)));
        assertEquals(6, log.logEndOffset());
        assertEquals(Map.of(TOPIC_0, 5L), checkpoints(root));
        logs.time.advance(1000);
        assertEquals(
                List.of("00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
                        "00000000000000000005.index", "00000000000000000005.log", "00000000000000000005.timeindex"),
                fileNames(log.dir()));
        PartitionLog reopened = logs.reopen(log, true);
        assertEquals(expected, withoutTimestamps(records(reopened)));
        assertEquals(expected, withoutTimestamps(records(logs.reopen(reopened, false))));
    }

    @Test
    void tombstonesOutliveTheirFirstCleaningByDeleteRetentionThenGo() {
        // given
        PartitionLog log = compactedLog(compacted("delete.retention.ms", "1000", "min.cleanable.dirty.ratio", "0"));
        logs.appendEach(log, "k1", "a", "k1", null, "k2", "b");
        log.roll();
        assertTrue(cleaner.cleanOnce());
        assertEquals(records("1", "k1", null, "2", "k2", "b"), withoutTimestamps(records(log)));

        // when the tombstone's delete horizon has not come yet
        logs.time.advance(999);
        logs.appendEach(log, "k3", "c");
        log.roll();
        assertTrue(cleaner.cleanOnce());

        // then
        assertEquals(records("1", "k1", null, "2", "k2", "b", "3", "k3", "c"), withoutTimestamps(records(log)));

        // when it has
        logs.time.advance(1);
        logs.appendEach(log, "k4", "d");
        log.roll();
        assertTrue(cleaner.cleanOnce());

        // then
        assertEquals(records("2", "k2", "b", "3", "k3", "c", "4", "k4", "d"), withoutTimestamps(records(log)));
    }

    @Test
    void theActiveSegmentIsNeverCleaned() {
        // given
        PartitionLog log = compactedLog(compacted("min.cleanable.dirty.ratio", "0"));
        logs.appendEach(log, "k1", "a", "k1", "b");

        // when
        boolean cleanedWithOnlyAnActiveSegment = cleaner.cleanOnce();
        log.roll();
        logs.appendEach(log, "k1", "c", "k1", "d");
        boolean cleanedWithAnInactiveSegment = cleaner.cleanOnce();

        // then
        assertFalse(cleanedWithOnlyAnActiveSegment);
        assertTrue(cleanedWithAnInactiveSegment);
        assertEquals(records("1", "k1", "b", "2", "k1", "c", "3", "k1", "d"), withoutTimestamps(records(log)));
        assertEquals(Map.of(TOPIC_0, 2L), checkpoints(root));
        assertFalse(cleaner.cleanOnce(), "nothing is dirty below the active segment");
    }

    @Test
    void aLogIsCleanedOnlyOnceItsDirtyRatioExceedsTheMinimum() {
        // given: four distinct keys, cleaned; then as many dirty bytes as clean ones (ratio 0.5, the default minimum)
        PartitionLog log = compactedLog(compacted());
        logs.appendEach(log, "k1", "a", "k2", "a", "k3", "a", "k4", "a");
        log.roll();
        assertTrue(cleaner.cleanOnce());
        logs.appendEach(log, "k1", "b", "k2", "b", "k3", "b", "k4", "b");
        log.roll();

        // when
        boolean cleanedAtHalf = cleaner.cleanOnce();
        logs.appendEach(log, "k5", "b");
        log.roll();
        boolean cleanedAboveHalf = cleaner.cleanOnce();

        // then
        assertFalse(cleanedAtHalf);
        assertTrue(cleanedAboveHalf);
        assertEquals(records("4", "k1", "b", "5", "k2", "b", "6", "k3", "b", "7", "k4", "b", "8", "k5", "b"),
                withoutTimestamps(records(log)));
    }

    @Test
    void theLogWithTheHighestDirtyRatioIsCleanedFirst() {
        // given: one log two thirds dirty, one wholly dirty
        TopicPartition other = new TopicPartition("other", 0);
        PartitionLog partlyDirty = compactedLog(TOPIC_0, compacted("min.cleanable.dirty.ratio", "0.1"));
        logs.appendEach(partlyDirty, "k1", "a");
        partlyDirty.roll();
        assertTrue(cleaner.cleanOnce());
        logs.appendEach(partlyDirty, "k1", "b", "k1", "c");
        partlyDirty.roll();
        PartitionLog allDirty = compactedLog(other, compacted("min.cleanable.dirty.ratio", "0.1"));
        logs.appendEach(allDirty, "k1", "a", "k1", "b");
        allDirty.roll();

        // when
        assertTrue(cleaner.cleanOnce());

        // then
        assertEquals(Map.of(TOPIC_0, 1L, other, 2L), checkpoints(root));
        assertTrue(cleaner.cleanOnce());
        assertEquals(Map.of(TOPIC_0, 3L, other, 2L), checkpoints(root));
    }

    @Test
    void segmentsWithinMinCompactionLagStayDirty() {
        // given
        PartitionLog log = compactedLog(compacted("min.compaction.lag.ms", "10000", "min.cleanable.dirty.ratio", "0"));
        logs.appendEach(log, "k1", "a");
        log.roll();
        boolean cleanedWithinTheLag = cleaner.cleanOnce();
        logs.time.advance(10_000);
        logs.appendEach(log, "k1", "b");
        log.roll();

        // when: the first segment is 10 s old, the second new
        assertTrue(cleaner.cleanOnce());

        // then
        assertFalse(cleanedWithinTheLag);
        assertEquals(Map.of(TOPIC_0, 1L), checkpoints(root));
        assertEquals(records("0", "k1", "a", "1", "k1", "b"), withoutTimestamps(records(log)));
        assertFalse(cleaner.cleanOnce());
        logs.time.advance(10_000);
        assertTrue(cleaner.cleanOnce());
        assertEquals(records("1", "k1", "b"), withoutTimestamps(records(log)));
    }

    @Test
    void maxCompactionLagForcesCleaningWhateverTheRatio() {
        // given a minimum ratio no log can exceed
        PartitionLog log = compactedLog(compacted("max.compaction.lag.ms", "5000", "min.cleanable.dirty.ratio", "1"));
        logs.appendEach(log, "k1", "a", "k1", "b");
        log.roll();

        // when
        logs.time.advance(5000);
        boolean cleanedAtTheLag = cleaner.cleanOnce();
        logs.time.advance(1);
        boolean cleanedPastTheLag = cleaner.cleanOnce();

        // then
        assertFalse(cleanedAtTheLag);
        assertTrue(cleanedPastTheLag);
        assertEquals(records("1", "k1", "b"), withoutTimestamps(records(log)));
    }

    @Test
    void aSmallDedupeBufferCleansInSeveralRoundsToTheSameResult() {
        // given: a map of 3 keys, 6 keys each written twice over several segments
        LogCleaner small = CleanerTestLogs.cleaner(logs.time, 4 * 24);
        PartitionLog log = logs.open(root.resolve("topic-0"), compacted("min.cleanable.dirty.ratio", "0"));
        small.addLog(CleanableLog.of(TOPIC_0, log));
        for (String value : new String[] {"a", "b"}) {
            logs.appendEach(log, "k1", value, "k2", value, "k3", value);
            log.roll();
            logs.appendEach(log, "k4", value, "k5", value, "k6", value);
            log.roll();
        }

        // when
        int rounds = 0;
        while (small.cleanOnce()) {
            rounds++;
        }

        // then
        assertEquals(4, rounds);
        assertEquals(records("6", "k1", "b", "7", "k2", "b", "8", "k3", "b", "9", "k4", "b", "10", "k5", "b", "11", "k6", "b"),
                withoutTimestamps(records(log)));
        assertEquals(Map.of(TOPIC_0, 12L), checkpoints(root));
    }

    @Test
    void aLogWhoseFirstDirtyBatchOverflowsTheDedupeBufferIsMarkedUncleanable() {
        // given: a map of 3 keys and a batch of 4 records
        LogCleaner small = CleanerTestLogs.cleaner(logs.time, 4 * 24);
        PartitionLog log = logs.open(root.resolve("topic-0"), compacted());
        small.addLog(CleanableLog.of(TOPIC_0, log));
        logs.append(log, "k1", "a", "k2", "a", "k3", "a", "k4", "a");
        log.roll();

        // when
        boolean picked = small.cleanOnce();

        // then
        assertTrue(picked);
        assertEquals(Set.of(TOPIC_0), small.uncleanablePartitions());
        assertFalse(small.cleanOnce());
        assertEquals(4, records(log).size());
        assertTrue(fileNames(log.dir()).stream().noneMatch(name -> name.endsWith(".cleaned")));
    }

    @Test
    void logsWithoutTheCompactPolicyAreLeftAlone() {
        // given
        PartitionLog log = compactedLog(LogConfig.defaultConfig());
        logs.appendEach(log, "k1", "a", "k1", "b");
        log.roll();

        // when
        boolean cleaned = cleaner.cleanOnce();

        // then
        assertFalse(cleaned);
        assertEquals(2, records(log).size());
    }

    @Test
    void aCheckpointBeyondTheLogEndIsResetToTheLogStart() {
        // given
        PartitionLog log = compactedLog(compacted());
        logs.appendEach(log, "k1", "a", "k1", "b");
        log.roll();
        new OffsetCheckpointFile(root.resolve(CleanerCheckpoints.FILE)).write(Map.of(TOPIC_0, 99L));

        // when
        boolean cleaned = cleaner.cleanOnce();

        // then
        assertTrue(cleaned);
        assertEquals(records("1", "k1", "b"), withoutTimestamps(records(log)));
        assertEquals(Map.of(TOPIC_0, 2L), checkpoints(root));
    }

    @Test
    void removingALogDropsItsCheckpoint() {
        // given
        TopicPartition other = new TopicPartition("other", 0);
        PartitionLog log = compactedLog(compacted());
        PartitionLog kept = compactedLog(other, compacted());
        for (PartitionLog each : List.of(log, kept)) {
            logs.appendEach(each, "k1", "a");
            each.roll();
        }
        assertTrue(cleaner.cleanOnce());
        assertTrue(cleaner.cleanOnce());

        // when
        cleaner.removeLog(TOPIC_0);

        // then
        assertEquals(Map.of(other, 1L), checkpoints(root));
    }

    @Test
    void aTruncationBelowTheCheckpointMovesItBack() {
        // given
        PartitionLog log = compactedLog(compacted());
        logs.appendEach(log, "k1", "a", "k1", "b", "k1", "c");
        log.roll();
        assertTrue(cleaner.cleanOnce());

        // when
        cleaner.truncateCheckpoint(TOPIC_0, 4);
        cleaner.truncateCheckpoint(TOPIC_0, 2);

        // then
        assertEquals(Map.of(TOPIC_0, 2L), checkpoints(root));
    }

    @Test
    void startedThreadsCleanInTheBackgroundAndStopOnClose() throws InterruptedException {
        // given
        LogCleaner threaded = new LogCleaner(new CleanerConfig(2, 1 << 16, 0.9, 1024, 5, true), logs.time,
                LogDirFailureListener.IGNORE);
        PartitionLog log = logs.open(root.resolve("topic-0"), compacted());
        logs.appendEach(log, "k1", "a", "k1", "b");
        log.roll();
        threaded.addLog(CleanableLog.of(TOPIC_0, log));

        // when
        threaded.startup();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (checkpoints(root).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        threaded.close();

        // then
        assertEquals(Map.of(TOPIC_0, 2L), checkpoints(root));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("fjord-log-cleaner")));
    }

    @Test
    void aDisabledCleanerStartsNoThread() {
        // given
        LogCleaner disabled = new LogCleaner(new CleanerConfig(1, 1 << 16, 0.9, 1024, 5, false), logs.time,
                LogDirFailureListener.IGNORE);

        // when
        disabled.startup();

        // then
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("fjord-log-cleaner")));
        disabled.close();
    }
}
