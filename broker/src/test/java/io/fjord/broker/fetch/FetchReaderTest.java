package io.fjord.broker.fetch;

import io.fjord.broker.log.PartitionManager;
import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.LogEnvironment;
import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.FileRecordsBuf;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.protocol.records.RecordBatches;
import io.fjord.replication.DelayedOperationPurgatory;
import io.fjord.replication.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FetchReader} and {@link DelayedFetch} against real partition logs and a hand-built metadata image. */
class FetchReaderTest {
    private static final int NODE = 1;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final int LEADER_EPOCH = 3;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private PartitionLog p0;
    private PartitionLog p1;
    private MetadataImage image;
    private FetchReader reader;
    private final FetchReader.Reader consumer = new FetchReader.Reader(-1, false);
    private final BrokerTopicMetrics meters = new BrokerTopicMetrics.Topics(BrokerMetrics.noop()).topic("t");

    @BeforeEach
    void setUp() {
        LogEnvironment env = new LogEnvironment(time, new MockScheduler(time));
        p0 = PartitionLog.open(dir.resolve("t-0"), LogConfig.defaultConfig(), LoadState.NEW, env);
        p1 = PartitionLog.open(dir.resolve("t-1"), LogConfig.defaultConfig(), LoadState.NEW, env);
        image = new MetadataDelta(MetadataImage.EMPTY).replayAll(List.of(
                new MetadataRecord.TopicRecord("t", TOPIC_ID),
                new MetadataRecord.PartitionRecord(TOPIC_ID, 0, List.of(NODE), List.of(NODE), NODE, LEADER_EPOCH, 0),
                new MetadataRecord.PartitionRecord(TOPIC_ID, 1, List.of(NODE), List.of(NODE), NODE, LEADER_EPOCH, 0),
                new MetadataRecord.PartitionRecord(TOPIC_ID, 2, List.of(2), List.of(2), 2, 0, 0))).apply(1);
        Map<Integer, PartitionLog> logs = Map.of(0, p0, 1, p1);
        reader = new FetchReader(() -> image, NODE, (topic, partition) ->
                "t".equals(topic) ? Optional.ofNullable(logs.get(partition))
                        .map(log -> new PartitionManager.LeaderLog(log, meters)) : Optional.empty());
        for (int i = 0; i < 5; i++) {
            p0.append(batch(100), LEADER_EPOCH);
        }
    }

    @AfterEach
    void tearDown() {
        p0.close();
        p1.close();
    }

    private static ByteBuf batch(int valueSize) {
        return new RecordBatchBuilder(CompressionType.NONE)
                .append(0, null, Unpooled.wrappedBuffer(new byte[valueSize]), List.of()).build();
    }

    private static FetchPartition fetch(int partition, long offset, int maxBytes) {
        return new FetchPartition("t", Uuid.ZERO, partition, offset, maxBytes, -1, -1);
    }

    private static List<Long> baseOffsets(FetchReader.Result r) {
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch b : new RecordBatches(r.records().duplicate())) {
            offsets.add(b.baseOffset());
        }
        return offsets;
    }

    @Test
    void aReadThatReachedTheLogCarriesTheTopicsMetersFoundWithIt() {
        List<FetchReader.Result> results = reader.read(List.of(fetch(0, 2, 1 << 20), fetch(0, 99, 1 << 20),
                fetch(2, 0, 1 << 20)), 1 << 20, consumer);

        assertEquals(ErrorCode.NONE, results.get(0).error());
        assertSame(meters, results.get(0).meters());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, results.get(1).error());
        assertSame(meters, results.get(1).meters(), "an error of the log read still found the log");
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, results.get(2).error());
        assertNull(results.get(2).meters(), "a partition led elsewhere never reaches a log");
    }

    @Test
    void aLedPartitionIsReadFromTheFetchOffsetUpToTheHighWatermark() {
        FetchReader.Result r = reader.read(List.of(fetch(0, 2, 1 << 20)), 1 << 20, consumer).get(0);

        assertEquals(ErrorCode.NONE, r.error());
        assertEquals(5, r.highWatermark());
        assertEquals(5, r.lastStableOffset());
        assertEquals(0, r.logStartOffset());
        assertInstanceOf(FileRecordsBuf.class, r.records());
        assertEquals(List.of(2L, 3L, 4L), baseOffsets(r));
    }

    @Test
    void leaderAndEpochChecksGiveKafkasErrors() {
        FetchPartition older = new FetchPartition("t", Uuid.ZERO, 0, 0, 1024, LEADER_EPOCH - 1, -1);
        FetchPartition newer = new FetchPartition("t", Uuid.ZERO, 0, 0, 1024, LEADER_EPOCH + 1, -1);
        FetchPartition current = new FetchPartition("t", Uuid.ZERO, 0, 0, 1024, LEADER_EPOCH, -1);

        List<FetchReader.Result> results = reader.read(List.of(older, newer, current, fetch(2, 0, 1024),
                fetch(9, 0, 1024), new FetchPartition("other", Uuid.ZERO, 0, 0, 1024, -1, -1),
                new FetchPartition(null, Uuid.randomUuid(), 0, 0, 1024, -1, -1)), 1 << 20, consumer);

        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, results.get(0).error());
        assertEquals(LEADER_EPOCH, results.get(0).leaderEpoch());
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, results.get(1).error());
        assertEquals(ErrorCode.NONE, results.get(2).error());
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, results.get(3).error());
        assertEquals(2, results.get(3).leaderId());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, results.get(4).error());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, results.get(5).error());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_ID, results.get(6).error());
    }

    @Test
    void aTopicIdOfAnotherIncarnationIsUnknown() {
        FetchReader.Result stale = reader.read(List.of(new FetchPartition("t", Uuid.randomUuid(), 0, 0, 1024, -1, -1)),
                1 << 20, consumer).get(0);
        FetchReader.Result current = reader.read(List.of(new FetchPartition("t", TOPIC_ID, 0, 0, 1024, -1, -1)),
                1 << 20, consumer).get(0);

        assertEquals(ErrorCode.UNKNOWN_TOPIC_ID, stale.error());
        assertEquals(ErrorCode.NONE, current.error());
    }

    @Test
    void offsetsOutsideTheLogAreOutOfRangeWithoutOffsets() {
        FetchReader.Result beyond = reader.read(List.of(fetch(0, 6, 1024)), 1 << 20, consumer).get(0);
        FetchReader.Result atEnd = reader.read(List.of(fetch(0, 5, 1024)), 1 << 20, consumer).get(0);

        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, beyond.error());
        assertEquals(-1, beyond.highWatermark());
        assertEquals(ErrorCode.NONE, atEnd.error());
        assertEquals(0, atEnd.bytes());
    }

    @Test
    void theFirstBatchComesWholeAndLaterPartitionsShareWhatMaxBytesLeaves() {
        p1.append(batch(100), LEADER_EPOCH);
        int batchSize = reader.read(List.of(fetch(0, 0, 1 << 20)), 1 << 20, consumer).get(0).bytes() / 5;

        List<FetchReader.Result> tiny = reader.read(List.of(fetch(0, 0, 1), fetch(1, 0, 1 << 20)), 1 << 20, consumer);
        assertEquals(List.of(0L), baseOffsets(tiny.get(0)), "one whole batch over partition_max_bytes");
        assertEquals(batchSize, tiny.get(1).bytes());

        List<FetchReader.Result> capped = reader.read(List.of(fetch(0, 0, 1 << 20), fetch(1, 0, 1 << 20)),
                2 * batchSize + 10, consumer);
        assertEquals(List.of(0L, 1L), baseOffsets(capped.get(0)));
        assertEquals(0, capped.get(1).bytes(), "max_bytes left no room for a whole batch of the second partition");
    }

    @Test
    void aLastFetchedEpochThatEndsBeforeTheFetchOffsetGivesADivergingEpoch() {
        p0.assignEpochStartOffset(LEADER_EPOCH + 1);
        image = new MetadataDelta(image).replay(new MetadataRecord.PartitionChangeRecord(TOPIC_ID, 0, NODE, null)).apply(2);
        p0.append(batch(10), LEADER_EPOCH + 1);
        int epoch = image.topic("t").partition(0).leaderEpoch();
        FetchPartition follower = new FetchPartition("t", Uuid.ZERO, 0, 5, 1024, epoch, LEADER_EPOCH - 1);
        FetchPartition inStep = new FetchPartition("t", Uuid.ZERO, 0, 5, 1024, epoch, LEADER_EPOCH);

        FetchReader.Reader replica = new FetchReader.Reader(NODE, false);
        FetchReader.Result diverged = reader.read(List.of(follower), 1 << 20, replica).get(0);
        FetchReader.Result fine = reader.read(List.of(inStep), 1 << 20, replica).get(0);

        assertNotNull(diverged.divergingEpoch());
        assertEquals(0, diverged.bytes());
        assertEquals(null, fine.divergingEpoch());
        assertEquals(List.of(5L), baseOffsets(fine));
    }

    @Test
    void aDelayedFetchCompletesWhenMinBytesArriveOrAtExpiry() {
        TestTimer timer = new TestTimer();
        DelayedOperationPurgatory<String> purgatory = new DelayedOperationPurgatory<>("test", timer);
        AtomicInteger answered = new AtomicInteger();
        List<FetchPartition> waiting = List.of(fetch(1, 0, 1 << 20));
        DelayedFetch delayed = new DelayedFetch(500, waiting, 1, reader, consumer, Runnable::run, answered::incrementAndGet);

        assertFalse(purgatory.tryCompleteElseWatch(delayed, List.of("t-1")));
        purgatory.checkAndComplete("t-1");
        assertEquals(0, answered.get(), "nothing appended yet");
        p1.append(batch(10), LEADER_EPOCH);
        purgatory.checkAndComplete("t-1");
        assertEquals(1, answered.get());
        timer.fireAll();
        assertEquals(1, answered.get());

        DelayedFetch idle = new DelayedFetch(500, List.of(fetch(1, 1, 1 << 20)), 1, reader, consumer,
                Runnable::run, answered::incrementAndGet);
        assertFalse(purgatory.tryCompleteElseWatch(idle, List.of("t-1")));
        timer.fireAll();
        assertEquals(2, answered.get(), "expired after max wait");
        assertTrue(idle.isCompleted());
    }

    @Test
    void aDelayedFetchCompletesAtOnceWhenAPartitionHasAnError() {
        AtomicReference<Boolean> done = new AtomicReference<>(false);
        DelayedFetch delayed = new DelayedFetch(500, List.of(fetch(1, 0, 1 << 20), fetch(9, 0, 1024)), 1 << 20,
                reader, consumer, Runnable::run, () -> done.set(true));

        assertTrue(new DelayedOperationPurgatory<String>("test", new TestTimer()).tryCompleteElseWatch(delayed, List.of("t-1")));
        assertTrue(done.get());
    }

    /** A timer whose tasks run only when the test fires them. */
    private static final class TestTimer implements Timer {
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public synchronized Cancellable schedule(Runnable task, long delayMs) {
            boolean[] cancelled = {false};
            tasks.add(() -> {
                if (!cancelled[0]) {
                    task.run();
                }
            });
            return () -> cancelled[0] = true;
        }

        void fireAll() {
            List<Runnable> due;
            synchronized (this) {
                due = new ArrayList<>(tasks);
                tasks.clear();
            }
            due.forEach(Runnable::run);
        }

        @Override
        public void close() {
        }
    }
}
