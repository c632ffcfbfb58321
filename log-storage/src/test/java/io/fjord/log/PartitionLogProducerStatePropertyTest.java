package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Whatever idempotent producers send (new batches, retries, zombies of an older epoch) and whatever happens to
 * the log meanwhile (leader changes, rolls, truncations, clean and crash reopens), the log's producer state and
 * leader epochs equal those built from scratch from the batches it holds, and each send is answered as that
 * fresh state says: appended at the log end, answered with the original offsets, or rejected with nothing written.
 * Truncations cut at batch boundaries: inside a batch the epoch of the removed batch stays, as in Kafka.
 */
class PartitionLogProducerStatePropertyTest {
    private static final int PRODUCERS = 3;

    sealed interface Op {
    }

    record Produce(int producer, int records) implements Op {
    }

    record Retry(int producer, int back) implements Op {
    }

    record Zombie(int producer) implements Op {
    }

    record BumpProducerEpoch(int producer) implements Op {
    }

    record NewLeaderEpoch() implements Op {
    }

    record Roll() implements Op {
    }

    record TruncateTo(double where) implements Op {
    }

    record TruncateFully(int beyondEnd) implements Op {
    }

    record RunScheduledFlushes() implements Op {
    }

    record Reopen(boolean clean) implements Op {
    }

    /** The log under test, its producers' epochs and sent batches, and an empty directory for reference state. */
    private static final class Harness {
        final Path root = TestBatches.tempDir();
        final Path emptyDir = TestBatches.tempDir();
        final MockTime time = new MockTime();
        final MockScheduler scheduler = new MockScheduler(time);
        final LogConfig config;
        final short[] producerEpochs = new short[PRODUCERS];
        final List<List<ByteBuf>> sent = new ArrayList<>();
        int leaderEpoch;
        int generation;
        PartitionLog log;

        Harness(int segmentBytes) {
            config = TestBatches.config("segment.bytes", "" + segmentBytes, "index.interval.bytes", "0");
            log = PartitionLog.open(dir(), config, LoadState.NEW, new LogEnvironment(time, scheduler));
            for (int i = 0; i < PRODUCERS; i++) {
                sent.add(new ArrayList<>());
            }
        }

        Path dir() {
            return root.resolve(generation + "/topic-0");
        }

        void reopen(boolean clean) {
            LoadState state = new LoadState(clean, log.recoveryPoint(), log.logStartOffset());
            Path opened = dir();
            if (!clean) {
                generation++;
                TestBatches.copyDirectory(opened, dir());
            }
            log.close();
            log = PartitionLog.open(dir(), config, state, new LogEnvironment(time, scheduler));
        }

        /** Producer state as a fresh manager builds it from every batch in the log. */
        ProducerStateManager referenceProducers() {
            ProducerStateManager producers = new ProducerStateManager(emptyDir, ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS, time);
            batches().forEach(producers::update);
            return producers;
        }

        /** Leader epochs as a fresh cache builds them from every batch in the log. */
        LeaderEpochCache referenceEpochs() {
            LeaderEpochCache epochs = new LeaderEpochCache(new InMemoryCheckpoint<>());
            batches().forEach(batch -> epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
            return epochs;
        }

        List<RecordBatch> batches() {
            return LogAssertions.readAll(log, 100_000).stream().map(bytes -> RecordBatch.wrap(Unpooled.wrappedBuffer(bytes))).toList();
        }

        void close() {
            log.close();
            scheduler.close();
            TestBatches.deleteRecursively(root);
            TestBatches.deleteRecursively(emptyDir);
        }
    }

    @Property(tries = 150)
    void producerStateAndEpochsAlwaysEqualThoseRebuiltFromTheLog(@ForAll("segmentBytes") int segmentBytes, @ForAll("operations") List<Op> ops) {
        Harness harness = new Harness(segmentBytes);
        try {
            for (Op op : ops) {
                apply(op, harness);
                assertEquals(harness.referenceProducers().activeProducers(), harness.log.activeProducers(), "after " + op);
                LeaderEpochCache epochs = harness.referenceEpochs();
                assertEquals(epochs.latestEpoch(), harness.log.latestEpoch(), "after " + op);
                for (int epoch = 0; epoch <= harness.leaderEpoch + 1; epoch++) {
                    assertEquals(epochs.endOffsetFor(epoch, harness.log.logEndOffset()), harness.log.endOffsetForEpoch(epoch), "epoch " + epoch + " after " + op);
                }
            }
        } finally {
            harness.close();
        }
    }

    private static void apply(Op op, Harness harness) {
        PartitionLog log = harness.log;
        if (op instanceof Produce produce) {
            long producerId = produce.producer();
            short epoch = harness.producerEpochs[produce.producer()];
            int sequence = harness.referenceProducers().entry(producerId).filter(entry -> entry.epoch() == epoch)
                    .map(entry -> BatchMetadata.addToSequence(entry.lastSeq(), 1)).orElse(0);
            send(harness, produce.producer(), ProducerBatches.idempotent(0, producerId, epoch, sequence, produce.records(), TestBatches.T0).buffer());
        } else if (op instanceof Retry retry) {
            List<ByteBuf> sent = harness.sent.get(retry.producer());
            if (retry.back() < sent.size()) {
                send(harness, retry.producer(), sent.get(sent.size() - 1 - retry.back()).copy());
            }
        } else if (op instanceof Zombie zombie && harness.producerEpochs[zombie.producer()] > 0) {
            int olderEpoch = harness.producerEpochs[zombie.producer()] - 1;
            send(harness, zombie.producer(), ProducerBatches.idempotent(0, zombie.producer(), olderEpoch, 0, 1, TestBatches.T0).buffer());
        } else if (op instanceof BumpProducerEpoch bump) {
            harness.producerEpochs[bump.producer()]++;
        } else if (op instanceof NewLeaderEpoch) {
            harness.leaderEpoch++;
        } else if (op instanceof Roll) {
            log.roll();
        } else if (op instanceof TruncateTo truncate) {
            List<Long> boundaries = new ArrayList<>(harness.batches().stream().map(RecordBatch::baseOffset).toList());
            boundaries.add(log.logEndOffset());
            log.truncateTo(boundaries.get((int) (truncate.where() * (boundaries.size() - 1))));
        } else if (op instanceof TruncateFully truncate) {
            log.truncateFullyAndStartAt(log.logEndOffset() + truncate.beyondEnd());
        } else if (op instanceof RunScheduledFlushes) {
            harness.time.advance(0);
        } else if (op instanceof Reopen reopen) {
            harness.reopen(reopen.clean());
        }
    }

    /** Sends {@code batch} as leader and checks the answer against what state rebuilt from the log expects. */
    private static void send(Harness harness, int producer, ByteBuf batch) {
        PartitionLog log = harness.log;
        ByteBuf kept = batch.copy();
        long endBefore = log.logEndOffset();
        Optional<BatchMetadata> duplicate;
        try {
            duplicate = harness.referenceProducers().validateLeaderAppend(RecordBatch.wrap(batch.copy()));
        } catch (ApiException rejected) {
            assertThrows(rejected.getClass(), () -> log.append(batch, harness.leaderEpoch));
            assertEquals(endBefore, log.logEndOffset());
            return;
        }
        AppendResult result = log.append(batch, harness.leaderEpoch);
        if (duplicate.isPresent()) {
            BatchMetadata original = duplicate.get();
            assertEquals(new AppendResult(original.firstOffset(), original.lastOffset(), original.maxTimestamp(), log.logStartOffset()), result);
            assertEquals(endBefore, log.logEndOffset());
        } else {
            assertEquals(endBefore, result.firstOffset());
            harness.sent.get(producer).add(kept);
        }
    }

    @Provide
    Arbitrary<Integer> segmentBytes() {
        return Arbitraries.integers().between(200, 1500);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> producer = Arbitraries.integers().between(0, PRODUCERS - 1);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(20, Combinators.combine(producer, Arbitraries.integers().between(1, 3)).as(Produce::new)),
                Tuple.of(6, Combinators.combine(producer, Arbitraries.integers().between(0, 7)).as(Retry::new)),
                Tuple.of(1, producer.map(Zombie::new)),
                Tuple.of(1, producer.map(BumpProducerEpoch::new)),
                Tuple.of(1, Arbitraries.just(new NewLeaderEpoch())),
                Tuple.of(2, Arbitraries.just(new Roll())),
                Tuple.of(2, Arbitraries.doubles().between(0, 1).map(TruncateTo::new)),
                Tuple.of(1, Arbitraries.integers().between(0, 5).map(TruncateFully::new)),
                Tuple.of(2, Arbitraries.just(new RunScheduledFlushes())),
                Tuple.of(3, Arbitraries.of(true, false).map(Reopen::new)));
        return op.list().ofMaxSize(50);
    }
}
