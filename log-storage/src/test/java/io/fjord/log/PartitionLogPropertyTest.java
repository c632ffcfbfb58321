package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.fjord.log.LogAssertions.assertLogMatches;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Any sequence of appends (leader and follower), rolls, truncations, record deletions, clean reopens and
 * crash reopens leaves a partition log answering reads, offsets and timestamp lookups exactly as a
 * {@link LogModel} does. Segments and indexes are tiny, so rolls and full indexes happen all the time.
 */
class PartitionLogPropertyTest {

    record RecordSpec(int offsetGap, long timestamp, int valueSize) {
    }

    record BatchSpec(CompressionType codec, List<RecordSpec> records) {
        ByteBuf build(long baseOffset) {
            long[] offsets = new long[records.size()];
            long[] timestamps = new long[records.size()];
            long offset = baseOffset - 1;
            for (int i = 0; i < offsets.length; i++) {
                offset += records.get(i).offsetGap();
                offsets[i] = offset;
                timestamps[i] = TestBatches.T0 + records.get(i).timestamp();
            }
            return TestBatches.batchAt(codec, baseOffset, offsets, timestamps, records.get(0).valueSize());
        }
    }

    record Settings(int segmentBytes, int segmentIndexBytes, int indexIntervalBytes, long segmentMs, boolean logAppendTime,
                    long fileDeleteDelayMs) {
        LogConfig config() {
            return TestBatches.config("segment.bytes", "" + segmentBytes, "segment.index.bytes", "" + segmentIndexBytes,
                    "index.interval.bytes", "" + indexIntervalBytes, "segment.ms", "" + segmentMs,
                    "message.timestamp.type", logAppendTime ? "LogAppendTime" : "CreateTime",
                    "file.delete.delay.ms", "" + fileDeleteDelayMs);
        }
    }

    sealed interface Op {
    }

    record Append(List<BatchSpec> batches, int leaderEpoch) implements Op {
    }

    record FollowerAppend(int gap, List<BatchSpec> batches, int leaderEpoch) implements Op {
    }

    record Roll() implements Op {
    }

    record TruncateTo(double where) implements Op {
    }

    record TruncateFully(int fromEnd) implements Op {
    }

    record DeleteRecordsBefore(double where) implements Op {
    }

    record Reopen(boolean clean) implements Op {
    }

    record AdvanceTime(int ms) implements Op {
    }

    /** The log under test with what it needs, replaced on every reopen. */
    private static final class Harness {
        final Path root = TestBatches.tempDir();
        final MockTime time = new MockTime();
        final MockScheduler scheduler = new MockScheduler(time);
        final LogConfig config;
        PartitionLog log;
        int generation;

        Harness(LogConfig config) {
            this.config = config;
            log = PartitionLog.open(dir(), config, LoadState.NEW, new LogEnvironment(time, scheduler), PartitionLog.Listener.NONE);
        }

        Path dir() {
            return root.resolve(generation + "/topic-0");
        }

        void reopen(boolean clean) {
            LoadState state = new LoadState(clean, log.recoveryPoint(), log.logStartOffset());
            if (clean) {
                log.close();
            } else {
                Path crashed = dir();
                generation++;
                TestBatches.copyDirectory(crashed, dir());
                log.close();
            }
            log = PartitionLog.open(clean ? log.dir() : dir(), config, state, new LogEnvironment(time, scheduler), PartitionLog.Listener.NONE);
        }

        void close() {
            log.close();
            scheduler.close();
            TestBatches.deleteRecursively(root);
        }
    }

    @Property(tries = 250)
    void aLogAnswersLikeItsModelAfterAnyOperations(@ForAll("settings") Settings settings, @ForAll("operations") List<Op> ops) {
        Harness harness = new Harness(settings.config());
        LogModel model = new LogModel(0);
        try {
            for (Op op : ops) {
                apply(op, harness, model, settings);
                assertLogMatches(model, harness.log);
            }
        } finally {
            harness.close();
        }
    }

    private static void apply(Op op, Harness harness, LogModel model, Settings settings) {
        PartitionLog log = harness.log;
        if (op instanceof Append append) {
            ByteBuf bytes = build(append.batches(), 0);
            if (bytes.readableBytes() > settings.segmentBytes()) {
                assertThrows(RecordBatchTooLargeException.class, () -> log.append(bytes, append.leaderEpoch()));
                return;
            }
            ByteBuf expected = model.assignOffsets(bytes, append.leaderEpoch());
            if (settings.logAppendTime()) {
                new RecordBatches(expected).forEach(b -> b.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, harness.time.milliseconds()));
            }
            AppendResult result = log.append(bytes, append.leaderEpoch());
            assertEquals(model.logEndOffset, result.firstOffset());
            model.append(expected);
            assertEquals(model.logEndOffset - 1, result.lastOffset());
            assertArrayEquals(TestBatches.bytes(expected), TestBatches.bytes(bytes), "batches are rewritten in place as stored");
        } else if (op instanceof FollowerAppend append) {
            ByteBuf bytes = build(append.batches(), model.logEndOffset + append.gap());
            new RecordBatches(bytes).forEach(b -> b.setPartitionLeaderEpoch(append.leaderEpoch()));
            if (bytes.readableBytes() > settings.segmentBytes()) {
                assertThrows(RecordBatchTooLargeException.class, () -> log.appendAsFollower(bytes));
                return;
            }
            log.appendAsFollower(bytes);
            model.append(bytes);
        } else if (op instanceof Roll) {
            log.roll();
        } else if (op instanceof TruncateTo truncate) {
            long offset = Math.max(0, model.logStartOffset - 2 + (long) (truncate.where() * (model.logEndOffset - model.logStartOffset + 4)));
            log.truncateTo(offset);
            model.truncateTo(offset);
        } else if (op instanceof TruncateFully truncate) {
            long offset = Math.max(0, model.logEndOffset + truncate.fromEnd());
            log.truncateFullyAndStartAt(offset);
            model.truncateFullyAndStartAt(offset);
        } else if (op instanceof DeleteRecordsBefore delete) {
            long offset = model.logStartOffset - 1 + (long) (delete.where() * (model.logEndOffset - model.logStartOffset + 3));
            if (offset > model.logEndOffset) {
                assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(offset));
                return;
            }
            log.deleteRecordsBefore(offset);
            model.deleteRecordsBefore(offset);
        } else if (op instanceof Reopen reopen) {
            harness.reopen(reopen.clean());
        } else if (op instanceof AdvanceTime advance) {
            harness.time.advance(advance.ms());
        }
    }

    private static ByteBuf build(List<BatchSpec> specs, long baseOffset) {
        List<ByteBuf> batches = new ArrayList<>();
        long next = baseOffset;
        for (BatchSpec spec : specs) {
            ByteBuf batch = spec.build(next);
            batches.add(batch);
            next = RecordBatch.wrap(batch).nextOffset();
        }
        return TestBatches.concat(batches.toArray(ByteBuf[]::new));
    }

    @Provide
    Arbitrary<Settings> settings() {
        return Combinators.combine(
                Arbitraries.integers().between(600, 4000),
                Arbitraries.integers().between(16, 200),
                Arbitraries.integers().between(0, 500),
                Arbitraries.oneOf(Arbitraries.longs().between(100, 3000), Arbitraries.just(604_800_000L)),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 100)).as(Settings::new);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<RecordSpec> record = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs().between(0, 5000),
                Arbitraries.integers().between(0, 100)).as(RecordSpec::new);
        Arbitrary<BatchSpec> batch = Combinators.combine(Arbitraries.of(CompressionType.class), record.list().ofMinSize(1).ofMaxSize(4))
                .as(BatchSpec::new);
        Arbitrary<List<BatchSpec>> batches = batch.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Integer> epoch = Arbitraries.integers().between(0, 5);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(16, Combinators.combine(batches, epoch).as(Append::new)),
                Tuple.of(3, Combinators.combine(Arbitraries.integers().between(0, 20), batches, epoch).as(FollowerAppend::new)),
                Tuple.of(1, Arbitraries.just(new Roll())),
                Tuple.of(2, Arbitraries.doubles().between(0, 1).map(TruncateTo::new)),
                Tuple.of(1, Arbitraries.integers().between(-20, 50).map(TruncateFully::new)),
                Tuple.of(2, Arbitraries.doubles().between(0, 1).map(DeleteRecordsBefore::new)),
                Tuple.of(2, Arbitraries.of(true, false).map(Reopen::new)),
                Tuple.of(2, Arbitraries.integers().between(0, 300).map(AdvanceTime::new)));
        return op.list().ofMaxSize(40);
    }
}
