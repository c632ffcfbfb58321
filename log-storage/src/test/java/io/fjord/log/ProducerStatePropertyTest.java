package io.fjord.log;

import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.RecordBatch;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots plus replay rebuild exactly the state that applying the batches directly produces. */
class ProducerStatePropertyTest {
    private static final long EXPIRATION_MS = ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    private final MockTime time = new MockTime();

    enum Kind { DATA, TXN_DATA, NEW_EPOCH, COMMIT, ABORT, PLAIN }

    record Step(int producer, Kind kind, int records) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(Kind.class), Arbitraries.integers().between(1, 4))
                .as(Step::new).list().ofMaxSize(30);
    }

    /** The batches three well-behaved producers would write; the third starts just below the sequence wrap. */
    private List<RecordBatch> batches(List<Step> steps) {
        short[] epoch = new short[3];
        int[] seq = {0, 0, Integer.MAX_VALUE - 6};
        boolean[] inTxn = new boolean[3];
        long offset = 0;
        List<RecordBatch> batches = new ArrayList<>();
        for (Step step : steps) {
            int p = step.producer;
            long pid = 100 + p;
            long ts = time.milliseconds() + offset;
            if (step.kind == Kind.NEW_EPOCH) {
                epoch[p]++;
                seq[p] = 0;
            }
            RecordBatch batch = switch (step.kind) {
                case DATA, NEW_EPOCH -> inTxn[p] ? ProducerBatches.transactional(offset, pid, epoch[p], seq[p], step.records, ts)
                        : ProducerBatches.idempotent(offset, pid, epoch[p], seq[p], step.records, ts);
                case TXN_DATA -> ProducerBatches.transactional(offset, pid, epoch[p], seq[p], step.records, ts);
                case COMMIT -> ProducerBatches.marker(offset, pid, epoch[p], ControlRecordType.COMMIT, step.records, ts);
                case ABORT -> ProducerBatches.marker(offset, pid, epoch[p], ControlRecordType.ABORT, step.records, ts);
                case PLAIN -> ProducerBatches.plain(offset, step.records, ts);
            };
            switch (step.kind) {
                case DATA, NEW_EPOCH, TXN_DATA -> seq[p] = BatchMetadata.addToSequence(seq[p], step.records);
                default -> { }
            }
            inTxn[p] = step.kind == Kind.TXN_DATA || inTxn[p] && step.kind != Kind.COMMIT && step.kind != Kind.ABORT;
            batches.add(batch);
            offset = batch.nextOffset();
        }
        return batches;
    }

    private Map<Long, ProducerEntry> applied(Path dir, List<RecordBatch> batches) {
        ProducerStateManager direct = new ProducerStateManager(dir, EXPIRATION_MS, time);
        batches.forEach(direct::update);
        return direct.activeProducers();
    }

    private static long endOffset(List<RecordBatch> batches) {
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).nextOffset();
    }

    @Property(tries = 200)
    void aSnapshotAnywhereThenReloadAndReplayEqualsDirectApplication(@ForAll("steps") List<Step> steps,
                                                                    @ForAll @IntRange(max = 30) int cut) throws IOException {
        List<RecordBatch> batches = batches(steps);
        int snapshotAfter = Math.min(cut, batches.size());
        withDir(dir -> {
            ProducerStateManager writer = new ProducerStateManager(dir, EXPIRATION_MS, time);
            batches.subList(0, snapshotAfter).forEach(writer::update);
            writer.takeSnapshot(endOffset(batches.subList(0, snapshotAfter)));

            ProducerStateManager reopened = new ProducerStateManager(dir, EXPIRATION_MS, time);
            long replayFrom = reopened.truncateAndReload(0, endOffset(batches));
            batches.stream().filter(b -> b.baseOffset() >= replayFrom).forEach(reopened::update);

            assertEquals(applied(dir.resolve("direct"), batches), reopened.activeProducers());
        });
    }

    @Property(tries = 200)
    void truncatingToAnyBatchBoundaryEqualsApplyingThePrefix(@ForAll("steps") List<Step> steps,
                                                             @ForAll @Size(30) List<Boolean> snapshotAfter,
                                                             @ForAll @IntRange(max = 30) int truncateAt) throws IOException {
        List<RecordBatch> batches = batches(steps);
        List<RecordBatch> kept = batches.subList(0, Math.min(truncateAt, batches.size()));
        withDir(dir -> {
            ProducerStateManager log = new ProducerStateManager(dir, EXPIRATION_MS, time);
            for (int i = 0; i < batches.size(); i++) {
                log.update(batches.get(i));
                if (snapshotAfter.get(i)) {
                    log.takeSnapshot(batches.get(i).nextOffset());
                }
            }

            long newEnd = endOffset(kept);
            long replayFrom = log.truncateAndReload(0, newEnd);
            kept.stream().filter(b -> b.baseOffset() >= replayFrom).forEach(log::update);

            assertEquals(applied(dir.resolve("direct"), kept), log.activeProducers());
            assertTrue(log.latestSnapshotOffset().orElse(0) <= newEnd);
        });
    }

    private interface DirTest {
        void run(Path dir) throws IOException;
    }

    private static void withDir(DirTest test) throws IOException {
        Path dir = Files.createTempDirectory("producer-state");
        try {
            Files.createDirectory(dir.resolve("direct"));
            test.run(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
