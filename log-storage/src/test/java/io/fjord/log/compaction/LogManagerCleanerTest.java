package io.fjord.log.compaction;

import io.fjord.log.FileChannelFactory;
import io.fjord.log.KafkaStorageException;
import io.fjord.log.LogConfig;
import io.fjord.log.LogDirFailureListener;
import io.fjord.log.LogEnvironment;
import io.fjord.log.LogManager;
import io.fjord.log.LogManagerConfig;
import io.fjord.log.OffsetCheckpointFile;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.fjord.log.compaction.CleanerTestLogs.checkpoints;
import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.CleanerTestLogs.records;
import static io.fjord.log.compaction.CleanerTestLogs.withoutTimestamps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log manager's compacted logs and its {@link LogCleaner}, driven round by round (no cleaner threads). */
class LogManagerCleanerTest {
    private static final TopicPartition USERS_0 = new TopicPartition("users", 0);
    private static final TopicPartition USERS_1 = new TopicPartition("users", 1);
    private static final TopicPartition SESSIONS_0 = new TopicPartition("sessions", 0);
    private static final LogConfig COMPACTED = compacted("min.cleanable.dirty.ratio", "0", "file.delete.delay.ms", "1000");
    private static final LogConfig COMPACTED_AND_DELETED = compacted("cleanup.policy", "compact,delete", "retention.ms", "60000");

    @TempDir
    Path root;
    private final CleanerTestLogs logs = new CleanerTestLogs();
    private final List<LogManager> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(LogManager::close);
        logs.close();
    }

    private Path dir(String name) {
        return root.resolve(name);
    }

    private LogManager open(Path... dirs) {
        return open(FileChannelFactory.DEFAULT, dirs);
    }

    private LogManager open(FileChannelFactory channels, Path... dirs) {
        Map<String, String> broker = Map.of("log.dirs", Stream.of(dirs).map(Path::toString).collect(Collectors.joining(",")),
                "log.cleaner.enable", "false", "log.cleaner.dedupe.buffer.size", "65536");
        LogManager manager = LogManager.open(LogManagerConfig.fromBrokerProperties(broker),
                new LogEnvironment(logs.time, logs.scheduler, channels, LogDirFailureListener.IGNORE),
                topic -> topic.equals(SESSIONS_0.topic()) ? COMPACTED_AND_DELETED : COMPACTED,
                LogManager.ListenerFactory.NONE, (dir, partitions) -> { });
        opened.add(manager);
        return manager;
    }

    @Test
    void aCompactedLogKeepsTheLatestValueOfEachKeyAtItsOffsetAcrossARestart() {
        // given
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(USERS_0, COMPACTED);
        logs.appendEach(log, "k1", "a", "k2", "b");
        log.roll();
        logs.appendEach(log, "k1", "c", "k2", "d");
        log.roll();
        logs.appendEach(log, "k1", "e");

        // when
        boolean cleaned = manager.cleaner().cleanOnce();

        // then
        assertTrue(cleaned);
        var expected = records("2", "k1", "c", "3", "k2", "d", "4", "k1", "e");
        assertEquals(expected, withoutTimestamps(records(log)));
        assertEquals(Map.of(USERS_0, 4L), checkpoints(dir("a")));

        // when restarted
        manager.shutdown(1);
        LogManager restarted = open(dir("a"));
        PartitionLog reopened = restarted.getLog(USERS_0).orElseThrow();

        // then
        assertEquals(expected, withoutTimestamps(records(reopened)));
        assertEquals(5, reopened.logEndOffset());

        // when the loaded log gets dirty again
        logs.appendEach(reopened, "k2", "f");
        reopened.roll();
        assertTrue(restarted.cleaner().cleanOnce());

        // then it was registered with the cleaner on load
        assertEquals(records("4", "k1", "e", "5", "k2", "f"), withoutTimestamps(records(reopened)));
        assertEquals(Map.of(USERS_0, 6L), checkpoints(dir("a")));
    }

    @Test
    void aCompactAndDeleteLogGetsRetentionFromTheCleanerNotFromTheRetentionTask() {
        // given segments past retention.ms
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(SESSIONS_0, COMPACTED_AND_DELETED);
        logs.appendEach(log, "s1", "a", "s2", "b");
        log.roll();
        logs.appendEach(log, "s3", "c");
        log.roll();

        // when the retention task runs (at 30 s and 330 s)
        logs.time.advance(600_000);

        // then
        assertEquals(0, log.logStartOffset(), "the retention task leaves compacted logs to the cleaner");
        logs.appendEach(log, "s4", "d");

        // when the cleaner runs
        manager.cleaner().cleanOnce();

        // then
        assertEquals(3, log.logStartOffset());
        assertEquals(records("3", "s4", "d"), withoutTimestamps(records(log)));
    }

    @Test
    void deletingACompactedLogUnregistersItFromTheCleanerAndItsCheckpoint() {
        // given a cleaned log that is dirty again
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(USERS_0, COMPACTED);
        logs.appendEach(log, "k1", "a", "k1", "b");
        log.roll();
        assertTrue(manager.cleaner().cleanOnce());
        logs.appendEach(log, "k1", "c");
        log.roll();

        // when
        manager.deleteLog(USERS_0);

        // then
        assertFalse(manager.cleaner().cleanOnce(), "nothing left to clean");
        assertEquals(Set.of(), manager.cleaner().uncleanablePartitions());
        assertEquals(Map.of(), checkpoints(dir("a")));
        assertEquals(List.of(dir("a")), manager.liveLogDirs());
    }

    @Test
    void truncatingACompactedLogMovesItsCleanerCheckpointBackToTheActiveSegment() {
        // given a log cleaned up to offset 4 and flushed
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(USERS_0, COMPACTED);
        logs.appendEach(log, "k1", "a", "k2", "b");
        log.roll();
        logs.appendEach(log, "k1", "c", "k2", "d");
        log.roll();
        assertTrue(manager.cleaner().cleanOnce());
        assertEquals(Map.of(USERS_0, 4L), checkpoints(dir("a")));
        log.flush(4);

        // when
        assertTrue(manager.truncateTo(USERS_0, 3));

        // then
        assertEquals(3, log.logEndOffset());
        assertEquals(0, List.copyOf(log.segments()).get(log.segments().size() - 1).baseOffset(), "the cleaned segment is active");
        assertEquals(Map.of(USERS_0, 0L), checkpoints(dir("a")));
        assertEquals(Map.of(USERS_0, 3L), new OffsetCheckpointFile(dir("a").resolve(OffsetCheckpointFile.RECOVERY_POINT_FILE)).read());
        assertFalse(manager.truncateTo(USERS_1, 0), "no such log");
    }

    @Test
    void aFailedDirectorysLogsLeaveTheCleanerWithoutItsCheckpointBeingWritten() {
        // given two dirty compacted logs, one in each directory
        AtomicBoolean failing = new AtomicBoolean();
        FileChannelFactory channels = file -> {
            if (failing.get() && file.startsWith(dir("a"))) {
                throw new IOException("disk gone");
            }
            return FileChannelFactory.DEFAULT.open(file);
        };
        LogManager manager = open(channels, dir("a"), dir("b"));
        PartitionLog inA = manager.getOrCreateLog(USERS_0, COMPACTED);
        PartitionLog inB = manager.getOrCreateLog(USERS_1, COMPACTED);
        for (PartitionLog log : List.of(inA, inB)) {
            logs.appendEach(log, "k1", "a", "k1", "b");
            log.roll();
        }

        // when directory a fails
        logs.appendEach(inA, "k2", "c");
        failing.set(true);
        assertThrows(KafkaStorageException.class, inA::roll);
        logs.time.advance(0);

        // then
        assertEquals(List.of(dir("a")), manager.offlineLogDirs());
        assertTrue(manager.cleaner().cleanOnce(), "the log in b");
        assertFalse(manager.cleaner().cleanOnce(), "the log in a is forgotten");
        assertEquals(Map.of(USERS_1, 2L), checkpoints(dir("b")));
        assertFalse(Files.exists(dir("a").resolve(CleanerCheckpoints.FILE)));
    }
}
