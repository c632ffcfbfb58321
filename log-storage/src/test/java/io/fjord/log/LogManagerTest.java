package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.fjord.log.LogAssertions.assertLogMatches;
import static io.fjord.log.LogAssertions.readBatches;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogManagerTest {
    private static final LogConfig SMALL_SEGMENTS = TestBatches.config("segment.bytes", "300", "index.interval.bytes", "0",
            "segment.index.bytes", "400", "file.delete.delay.ms", "1000");
    private static final long INITIAL_TASK_DELAY_MS = 30_000;
    private static final long LOG_DELETE_DELAY_MS = 60_000;
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

    private record OfflineEvent(Path dir, Set<TopicPartition> partitions) {
    }

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<LogManager> opened = new ArrayList<>();
    private final List<String> recovered = Collections.synchronizedList(new ArrayList<>());
    private final List<OfflineEvent> offlineEvents = new ArrayList<>();
    private final Map<TopicPartition, LogModel> models = new HashMap<>();

    @AfterEach
    void closeManagers() {
        opened.forEach(LogManager::close);
        scheduler.close();
    }

    private Path dir(String name) {
        return root.resolve(name);
    }

    private LogManager open(Path... dirs) {
        return open(Map.of(), FileChannelFactory.DEFAULT, dirs);
    }

    private LogManager open(Map<String, String> brokerProperties, FileChannelFactory channels, Path... dirs) {
        Map<String, String> properties = new HashMap<>(brokerProperties);
        properties.put("log.dirs", Stream.of(dirs).map(Path::toString).collect(Collectors.joining(",")));
        LogManager manager = LogManager.open(LogManagerConfig.fromBrokerProperties(properties),
                new LogEnvironment(time, scheduler, channels, LogDirFailureListener.IGNORE), topic -> SMALL_SEGMENTS,
                (partition, partitionDir) -> new PartitionLog.Listener() {
                    @Override
                    public void onRecover(RecordBatch batch) {
                        recovered.add(partition + "@" + batch.baseOffset());
                    }
                },
                (dir, partitions) -> offlineEvents.add(new OfflineEvent(dir, partitions)));
        opened.add(manager);
        return manager;
    }

    private PartitionLog log(LogManager manager, TopicPartition partition) {
        return manager.getLog(partition).orElseThrow();
    }

    /** Appends {@code count} one-record batches to the partition's log and to its model. */
    private void append(PartitionLog log, TopicPartition partition, int count) {
        LogModel model = models.computeIfAbsent(partition, p -> new LogModel(0));
        for (int i = 0; i < count; i++) {
            ByteBuf batch = batch(0, T0 + model.logEndOffset);
            ByteBuf expected = model.assignOffsets(batch, 0);
            log.append(batch, 0);
            model.append(expected);
        }
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(child -> child.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> subdirectories(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).map(child -> child.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> segmentBases(PartitionLog log) {
        return log.segments().stream().map(LogSegment::baseOffset).toList();
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void newLogsGoToTheOnlineDirectoryWithTheFewestPartitions() {
        LogManager manager = open(dir("a"), dir("b"));
        List<Path> placed = new ArrayList<>();
        for (int partition = 0; partition < 4; partition++) {
            placed.add(manager.getOrCreateLog(new TopicPartition("orders", partition), SMALL_SEGMENTS).dir().getParent());
        }
        assertEquals(List.of(dir("a"), dir("b"), dir("a"), dir("b")), placed, "on a tie, the first in log.dirs order");

        manager.deleteLog(ORDERS_0);
        manager.deleteLog(new TopicPartition("orders", 2));

        assertEquals(dir("a"), manager.getOrCreateLog(new TopicPartition("payments", 0), SMALL_SEGMENTS).dir().getParent());
        assertEquals(dir("a").resolve("payments-0"), log(manager, new TopicPartition("payments", 0)).dir());
        assertEquals(Set.of(ORDERS_1, new TopicPartition("orders", 3), new TopicPartition("payments", 0)), manager.allLogs().keySet());
        assertEquals(manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS), log(manager, ORDERS_1), "an existing log is returned");
    }

    @Test
    void restartAfterCleanShutdownOpensLogsWithoutRecovery() throws IOException {
        LogManager manager = open(dir("a"), dir("b"));
        append(manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS), ORDERS_0, 10);
        append(manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS), ORDERS_1, 4);

        manager.shutdown(42);

        for (Path dir : List.of(dir("a"), dir("b"))) {
            assertEquals("{\"version\":0,\"brokerEpoch\":42}", Files.readString(dir.resolve(".kafka_cleanshutdown")));
        }
        LogManager restarted = open(dir("a"), dir("b"));
        assertEquals(List.of(), recovered, "no batch is re-verified");
        assertLogMatches(models.get(ORDERS_0), log(restarted, ORDERS_0));
        assertLogMatches(models.get(ORDERS_1), log(restarted, ORDERS_1));
        assertFalse(Files.exists(dir("a").resolve(".kafka_cleanshutdown")), "a crash from now on is unclean");
        assertFalse(Files.exists(dir("b").resolve(".kafka_cleanshutdown")));
    }

    @Test
    void restartAfterAnUncleanStopRecoversFromTheCheckpointedRecoveryPoint() {
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        append(log, ORDERS_0, 10);
        time.advance(INITIAL_TASK_DELAY_MS);
        long recoveryPoint = OffsetCheckpointFile.recoveryPoints(dir("a")).read().get(ORDERS_0);
        assertTrue(recoveryPoint > 0 && recoveryPoint == log.recoveryPoint(), "the rolled segments were flushed and checkpointed");
        append(log, ORDERS_0, 3);
        long recoverFrom = segmentBases(log).stream().filter(base -> base <= recoveryPoint).reduce((a, b) -> b).orElseThrow();

        copyTree(dir("a"), dir("crash"));
        LogManager afterCrash = open(dir("crash"));

        assertEquals(LongStream.range(recoverFrom, 13).mapToObj(offset -> ORDERS_0 + "@" + offset).toList(), recovered,
                "batches from the segment holding the recovery point on");
        assertLogMatches(models.get(ORDERS_0), log(afterCrash, ORDERS_0));
    }

    @Test
    void anUnreadableRecoveryPointCheckpointMeansRecoveryFromTheStart() throws IOException {
        LogManager manager = open(dir("a"));
        append(manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS), ORDERS_0, 6);
        time.advance(INITIAL_TASK_DELAY_MS);
        copyTree(dir("a"), dir("crash"));
        Files.writeString(dir("crash").resolve("recovery-point-offset-checkpoint"), "0\n1\norders 0\n");

        LogManager afterCrash = open(dir("crash"));

        assertEquals(LongStream.range(0, 6).mapToObj(offset -> ORDERS_0 + "@" + offset).toList(), recovered);
        assertLogMatches(models.get(ORDERS_0), log(afterCrash, ORDERS_0));
    }

    @Test
    void checkpointsAreWrittenPeriodicallyAndReadBackOnRestart() throws IOException {
        LogManager manager = open(dir("a"), dir("b"));
        PartitionLog trimmed = manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        PartitionLog whole = manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS);
        append(trimmed, ORDERS_0, 8);
        append(whole, ORDERS_1, 8);
        trimmed.deleteRecordsBefore(5);
        models.get(ORDERS_0).deleteRecordsBefore(5);
        assertTrue(segmentBases(trimmed).get(0) < 5, "the log start offset lies inside the first segment");

        time.advance(INITIAL_TASK_DELAY_MS);

        assertEquals(Map.of(ORDERS_0, trimmed.recoveryPoint()), OffsetCheckpointFile.recoveryPoints(dir("a")).read());
        assertEquals(Map.of(ORDERS_1, whole.recoveryPoint()), OffsetCheckpointFile.recoveryPoints(dir("b")).read());
        assertEquals(Map.of(ORDERS_0, 5L), OffsetCheckpointFile.logStartOffsets(dir("a")).read());
        assertEquals(Map.of(), OffsetCheckpointFile.logStartOffsets(dir("b")).read(), "only start offsets above the first segment");

        manager.close();
        assertEquals(Map.of(ORDERS_0, 8L), OffsetCheckpointFile.recoveryPoints(dir("a")).read(), "everything is flushed at shutdown");
        Files.delete(dir("b").resolve("recovery-point-offset-checkpoint"));
        time.advance(60_000);
        assertFalse(Files.exists(dir("b").resolve("recovery-point-offset-checkpoint")), "no task runs after shutdown");
        LogManager restarted = open(dir("a"), dir("b"));
        assertLogMatches(models.get(ORDERS_0), log(restarted, ORDERS_0));
        assertLogMatches(models.get(ORDERS_1), log(restarted, ORDERS_1));
    }

    @Test
    void deleteLogRenamesTheDirectoryAndRemovesItsFilesOnlyAfterTheDelay() throws IOException {
        LogManager manager = open(dir("a"));
        PartitionLog log = manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        append(log, ORDERS_0, 5);
        manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS);

        assertTrue(manager.deleteLog(ORDERS_0));

        assertEquals(Optional.empty(), manager.getLog(ORDERS_0));
        List<String> deleted = names(dir("a")).stream().filter(name -> name.startsWith("orders-0")).toList();
        assertEquals(1, deleted.size());
        assertTrue(deleted.get(0).matches("orders-0\\.[0-9a-f]{32}-delete"), deleted.get(0));
        long activeBase = segmentBases(log).get(segmentBases(log).size() - 1);
        assertEquals(400, Files.size(dir("a").resolve(deleted.get(0)).resolve(String.format("%020d.index", activeBase))),
                "closed without writing: the active index is not even trimmed");
        assertEquals(Set.of(ORDERS_1), OffsetCheckpointFile.recoveryPoints(dir("a")).read().keySet());
        assertThrows(KafkaStorageException.class, () -> log.append(batch(0, T0), 0));

        time.advance(LOG_DELETE_DELAY_MS - 1);
        assertTrue(Files.exists(dir("a").resolve(deleted.get(0))));
        time.advance(1);
        assertFalse(Files.exists(dir("a").resolve(deleted.get(0))));
        assertFalse(manager.deleteLog(ORDERS_0), "nothing left to delete");
    }

    @Test
    void leftoverDirectoriesAreDeletedOrLeftAloneAsKafkaDoes() throws IOException {
        String deleted = "orders-0." + "0123456789abcdef".repeat(2) + "-delete";
        for (String name : List.of(deleted, "orders-1.00ff-stray", "orders-2.00ff-future", "__cluster_metadata-0")) {
            Files.createDirectories(dir("a").resolve(name));
            Files.writeString(dir("a").resolve(name).resolve("00000000000000000000.log"), "not a batch");
        }

        LogManager manager = open(dir("a"));

        assertEquals(Map.of(), manager.allLogs());
        time.advance(LOG_DELETE_DELAY_MS);
        assertEquals(List.of("__cluster_metadata-0", "orders-1.00ff-stray", "orders-2.00ff-future"), subdirectories(dir("a")));
    }

    @Test
    void aDirectoryThatIsNotAPartitionFailsTheStartupAndReleasesTheLocks() throws IOException {
        Files.createDirectories(dir("b").resolve("lost+found"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(dir("a"), dir("b")));

        assertTrue(e.getMessage().contains("lost+found"), e.getMessage());
        Files.delete(dir("b").resolve("lost+found"));
        assertEquals(List.of(dir("a"), dir("b")), open(dir("a"), dir("b")).liveLogDirs());
    }

    @Test
    void aPartitionWithLogsInTwoDirectoriesFailsTheStartup() {
        LogManager first = open(dir("a"));
        first.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        first.close();
        LogManager second = open(dir("b"));
        second.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        second.close();

        assertThrows(IllegalStateException.class, () -> open(dir("a"), dir("b")));
    }

    @Test
    void aSecondLogManagerOnTheSameDirectoriesFailsToLockThem() {
        LogManager manager = open(dir("a"), dir("b"));

        assertThrows(LogDirInUseException.class, () -> open(dir("c"), dir("b")));

        manager.close();
        assertEquals(List.of(dir("c"), dir("b")), open(dir("c"), dir("b")).liveLogDirs(), "locks are released at shutdown");
    }

    @Test
    void anIoErrorTakesOnlyItsDirectoryOffline() {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        FileChannelFactory channels = file -> file.startsWith(dir("a")) ? faults.open(file) : FileChannelFactory.DEFAULT.open(file);
        LogManager manager = open(Map.of(), channels, dir("a"), dir("b"));
        PartitionLog failing = manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        PartitionLog healthy = manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS);
        append(failing, ORDERS_0, 2);
        append(healthy, ORDERS_1, 2);
        faults.writableBytes.set(0);

        assertThrows(KafkaStorageException.class, () -> failing.append(batch(0, T0), 0));

        assertThrows(KafkaStorageException.class, () -> manager.getLog(ORDERS_0), "offline at once");
        assertEquals(List.of(dir("b")), manager.liveLogDirs());
        assertEquals(List.of(dir("a")), manager.offlineLogDirs());
        time.advance(0);
        assertEquals(List.of(new OfflineEvent(dir("a"), Set.of(ORDERS_0))), offlineEvents);
        KafkaStorageException appendError = assertThrows(KafkaStorageException.class, () -> failing.append(batch(0, T0), 0));
        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, appendError.errorCode());
        assertThrows(KafkaStorageException.class, () -> failing.read(0, 1000, Long.MAX_VALUE, true));
        assertThrows(KafkaStorageException.class, () -> manager.getLog(ORDERS_0));
        assertThrows(KafkaStorageException.class, () -> manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS));
        assertThrows(KafkaStorageException.class, () -> manager.deleteLog(ORDERS_0));
        assertThrows(KafkaStorageException.class, () -> manager.getOrCreateLog(new TopicPartition("payments", 0), SMALL_SEGMENTS),
                "an offline directory may hold a partition not known to be new");

        append(healthy, ORDERS_1, 3);
        assertLogMatches(models.get(ORDERS_1), healthy);
        PartitionLog created = manager.getOrCreateLog(new TopicPartition("payments", 0), SMALL_SEGMENTS, true);
        assertEquals(dir("b"), created.dir().getParent(), "never in an offline directory");
        assertEquals(Set.of(ORDERS_1, new TopicPartition("payments", 0)), manager.allLogs().keySet());

        time.advance(INITIAL_TASK_DELAY_MS);
        manager.close();
        assertFalse(Files.exists(dir("a").resolve(".kafka_cleanshutdown")));
        assertTrue(Files.exists(dir("b").resolve(".kafka_cleanshutdown")));
    }

    @Test
    void aDirectoryThatCannotBeUsedAtStartupIsOfflineWhileTheOthersLoad() throws IOException {
        LogManager first = open(dir("b"));
        append(first.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS), ORDERS_0, 4);
        first.close();
        Files.writeString(dir("a"), "a file where a directory should be");

        LogManager manager = open(dir("a"), dir("b"));

        assertEquals(List.of(dir("a")), manager.offlineLogDirs());
        assertEquals(List.of(dir("b")), manager.liveLogDirs());
        assertLogMatches(models.get(ORDERS_0), log(manager, ORDERS_0));
        assertEquals(dir("b"), manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS, true).dir().getParent());
        assertEquals(List.of(), offlineEvents);
    }

    @Test
    void startupFailsWhenNoDirectoryCanBeUsed() throws IOException {
        Files.writeString(dir("a"), "not a directory");

        assertThrows(KafkaStorageException.class, () -> open(dir("a")));
    }

    @Test
    void aDirectoryWhoseLogsFailToCloseGetsNoCleanShutdownMarker() {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        FileChannelFactory channels = file -> file.startsWith(dir("a")) ? faults.open(file) : FileChannelFactory.DEFAULT.open(file);
        LogManager manager = open(Map.of(), channels, dir("a"), dir("b"));
        append(manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS), ORDERS_0, 2);
        append(manager.getOrCreateLog(ORDERS_1, SMALL_SEGMENTS), ORDERS_1, 2);
        faults.failForce = true;

        manager.close();

        assertFalse(Files.exists(dir("a").resolve(".kafka_cleanshutdown")));
        assertTrue(Files.exists(dir("b").resolve(".kafka_cleanshutdown")));
        LogManager restarted = open(dir("a"), dir("b"));
        assertEquals(List.of(ORDERS_0 + "@0", ORDERS_0 + "@1"), recovered, "only the directory without the marker is recovered");
        assertLogMatches(models.get(ORDERS_0), log(restarted, ORDERS_0));
        assertLogMatches(models.get(ORDERS_1), log(restarted, ORDERS_1));
    }

    @Test
    void retentionDeletesSegmentsBelowTheLogStartOffsetOnSchedule() {
        LogManager manager = open(dir("a"));
        append(manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS), ORDERS_0, 9);
        manager.close();
        List<Long> bases = segmentBases(log(manager, ORDERS_0));
        long logStartOffset = bases.get(bases.size() - 1);
        OffsetCheckpointFile.logStartOffsets(dir("a")).write(Map.of(ORDERS_0, logStartOffset));
        LogManager restarted = open(dir("a"));
        PartitionLog log = log(restarted, ORDERS_0);
        assertEquals(bases, segmentBases(log), "loading deletes no segment");

        time.advance(INITIAL_TASK_DELAY_MS - 1);
        assertEquals(bases, segmentBases(log));
        time.advance(1);

        assertEquals(List.of(logStartOffset), segmentBases(log));
        time.advance(SMALL_SEGMENTS.fileDeleteDelayMs());
        assertEquals(List.of(String.format("%020d.log", logStartOffset)),
                names(log.dir()).stream().filter(name -> name.contains(".log")).toList());
    }

    @Test
    void theFlusherFlushesLogsWhoseFlushMsHasPassed() {
        LogManager manager = open(Map.of("log.flush.scheduler.interval.ms", "1000"), FileChannelFactory.DEFAULT, dir("a"));
        LogConfig flushEvery5s = TestBatches.config("flush.ms", "5000");
        PartitionLog log = manager.getOrCreateLog(ORDERS_0, flushEvery5s);
        time.advance(INITIAL_TASK_DELAY_MS - 1);
        append(log, ORDERS_0, 2);
        time.advance(1);
        assertEquals(2, log.recoveryPoint(), "the first flusher run finds the log's last flush long ago");

        append(log, ORDERS_0, 1);
        time.advance(4000);
        assertEquals(2, log.recoveryPoint());
        time.advance(1000);
        assertEquals(3, log.recoveryPoint());
    }

    @Test
    void logsOfManyPartitionsInTwoDirectoriesRoundTripThroughCleanAndUncleanRestarts() {
        Random random = new Random(11);
        LogManager manager = open(dir("a"), dir("b"));
        List<TopicPartition> partitions = LongStream.range(0, 6).mapToObj(p -> new TopicPartition("my.events-v2", (int) p)).toList();
        for (int round = 0; round < 4; round++) {
            for (TopicPartition partition : partitions) {
                append(manager.getOrCreateLog(partition, SMALL_SEGMENTS), partition, 1 + random.nextInt(5));
            }
            time.advance(random.nextInt(40_000));
        }
        copyTree(dir("a"), dir("crash-a"));
        copyTree(dir("b"), dir("crash-b"));
        manager.close();

        LogManager restarted = open(dir("a"), dir("b"));
        assertEquals(Set.copyOf(partitions), restarted.allLogs().keySet());
        assertEquals(3, subdirectories(dir("a")).size());
        partitions.forEach(partition -> assertLogMatches(models.get(partition), log(restarted, partition)));
        LogManager afterCrash = open(dir("crash-a"), dir("crash-b"));
        partitions.forEach(partition -> assertLogMatches(models.get(partition), log(afterCrash, partition)));
        assertFalse(readBatches(log(afterCrash, partitions.get(0)).read(0, 1000, Long.MAX_VALUE, true)).isEmpty());
    }

    @Test
    void anIdleProducerIsForgottenAtTheFirstExpirationCheckAfterProducerIdExpirationMs() {
        // given producer.id.expiration.ms of 60 s, checked every 10 s, and producers last heard from at 0 s and 30 s
        LogManager manager = open(Map.of("producer.id.expiration.ms", "60000", "producer.id.expiration.check.interval.ms", "10000"),
                FileChannelFactory.DEFAULT, dir("a"));
        PartitionLog log = manager.getOrCreateLog(ORDERS_0, SMALL_SEGMENTS);
        log.append(ProducerBatches.idempotent(0, 7, 0, 0, 1, time.milliseconds()).buffer(), 0);
        time.advance(30_000);
        log.append(ProducerBatches.idempotent(0, 8, 0, 0, 1, time.milliseconds()).buffer(), 0);

        // when
        time.advance(29_999);

        // then
        assertEquals(Set.of(7L, 8L), log.activeProducers().keySet());

        // when
        time.advance(1);

        // then
        assertEquals(Set.of(8L), log.activeProducers().keySet());
    }

    @Test
    void theCleanerThreadsRunFromStartupToShutdown() {
        Set<Thread> before = cleanerThreads();
        LogManager manager = open(Map.of("log.cleaner.threads", "2"), FileChannelFactory.DEFAULT, dir("a"));
        Set<Thread> started = cleanerThreads();
        started.removeAll(before);
        assertEquals(2, started.size());

        manager.close();

        assertTrue(started.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void deletingACompactedLogWhileTheCleanerReadsItLeavesItsDirectoryOnline() {
        // given a dirty compacted log whose first read by the cleaner deletes it
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        LogManager manager = open(Map.of("log.cleaner.enable", "false"), faults, dir("a"));
        PartitionLog log = manager.getOrCreateLog(ORDERS_0, TestBatches.config("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0"));
        append(log, ORDERS_0, 3);
        log.roll();
        AtomicBoolean deleted = new AtomicBoolean();
        faults.beforeRead = () -> {
            if (deleted.compareAndSet(false, true)) {
                manager.deleteLog(ORDERS_0);
            }
        };

        // when
        manager.cleaner().cleanOnce();
        time.advance(0);

        // then
        assertTrue(deleted.get());
        assertEquals(List.of(dir("a")), manager.liveLogDirs());
        assertEquals(List.of(), offlineEvents);
    }

    private static Set<Thread> cleanerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("fjord-log-cleaner-thread-"))
                .collect(Collectors.toSet());
    }
}
