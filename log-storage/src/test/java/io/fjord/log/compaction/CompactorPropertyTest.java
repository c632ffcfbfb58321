package io.fjord.log.compaction;

import io.fjord.log.compaction.TestBatches.View;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.EndTransactionMarker;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.fjord.log.compaction.TestBatches.T0;
import static io.fjord.log.compaction.TestBatches.batchesOf;
import static io.fjord.log.compaction.TestBatches.hex;
import static io.fjord.log.compaction.TestBatches.utf8;
import static io.fjord.log.compaction.TestBatches.viewsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compaction of random logs (every codec; plain, idempotent and LogAppendTime batches; transactional batches
 * and commit markers; keyless records; tombstones; offset gaps) against a reference model: a record survives
 * if it is the latest of its key, and a tombstone only until the round clock reaches the delete horizon the
 * first round stamped. Control and transactional batches pass through, and do not supersede anything.
 */
class CompactorPropertyTest {
    private static final long NOW = T0 + 1_000_000;
    private static final long DELETE_RETENTION_MS = 60_000;
    private static final int BIG_MAP_BYTES = 1 << 16;
    private static final long TRANSACTIONAL_PRODUCER = 9;

    enum Kind { PLAIN, PRODUCER_1, PRODUCER_2, TRANSACTIONAL, COMMIT_MARKER }

    record RecordSpec(String key, String value, int offsetGap) {
    }

    record BatchSpec(CompressionType codec, Kind kind, boolean logAppendTime, int gapBefore, List<RecordSpec> records) {
        boolean passesThrough() {
            return kind == Kind.TRANSACTIONAL || kind == Kind.COMMIT_MARKER;
        }
    }

    /** A log built from specs: its bytes, its batches one by one, and what the producer state would say. */
    record Log(ByteBuf bytes, List<RecordBatch> batches, List<BatchSpec> specs, Map<Long, Long> producerLastOffsets, long endOffset) {
        static Log of(List<BatchSpec> specs) {
            List<ByteBuf> built = new ArrayList<>();
            Map<Long, Long> producerLastOffsets = new HashMap<>();
            long next = 0;
            int sequence = 0;
            for (BatchSpec spec : specs) {
                long baseOffset = next + spec.gapBefore();
                RecordBatchBuilder builder = new RecordBatchBuilder(spec.codec()).baseOffset(baseOffset).partitionLeaderEpoch(3);
                if (spec.logAppendTime()) {
                    builder.logAppendTime(T0 + baseOffset * 10 + 5);
                }
                List<Record> records = records(spec, baseOffset);
                switch (spec.kind()) {
                    case PRODUCER_1, PRODUCER_2 -> builder.producer(spec.kind().ordinal(), (short) 4, sequence);
                    case TRANSACTIONAL -> builder.producer(TRANSACTIONAL_PRODUCER, (short) 1, sequence).transactional(true);
                    case COMMIT_MARKER -> builder.producer(TRANSACTIONAL_PRODUCER, (short) 1, -1).transactional(true).control(true);
                    case PLAIN -> { }
                }
                records.forEach(builder::append);
                sequence += records.size();
                next = records.get(records.size() - 1).offset() + 1;
                if (spec.kind() == Kind.PRODUCER_1 || spec.kind() == Kind.PRODUCER_2) {
                    producerLastOffsets.put((long) spec.kind().ordinal(), next - 1);
                }
                built.add(builder.build());
            }
            ByteBuf bytes = TestBatches.concat(built);
            return new Log(bytes, batchesOf(bytes), specs, producerLastOffsets, next);
        }

        private static List<Record> records(BatchSpec spec, long baseOffset) {
            if (spec.kind() == Kind.COMMIT_MARKER) {
                return List.of(new Record(baseOffset, T0, ControlRecordType.COMMIT.encodeKey(),
                        new EndTransactionMarker(ControlRecordType.COMMIT, 2).encodeValue(), List.of()));
            }
            List<Record> records = new ArrayList<>();
            long offset = baseOffset - 1;
            for (RecordSpec record : spec.records()) {
                offset += record.offsetGap();
                records.add(new Record(offset, T0 + offset * 10, utf8(record.key()), utf8(record.value()),
                        List.of(new Record.Header("n", utf8(Long.toString(offset))))));
            }
            return records;
        }

        CleaningRound round(long firstDirtyOffset, long nowMs) {
            return new CleaningRound(firstDirtyOffset, endOffset, nowMs, DELETE_RETENTION_MS, 0, producerLastOffsets);
        }

        /** The offset of each key's latest record outside transactional and control batches. */
        Map<String, Long> latestOffsets() {
            Map<String, Long> latest = new HashMap<>();
            for (int i = 0; i < batches.size(); i++) {
                if (!specs.get(i).passesThrough()) {
                    viewsOf(batches.get(i)).stream().filter(r -> r.key() != null).forEach(r -> latest.merge(r.key(), r.offset(), Math::max));
                }
            }
            return latest;
        }

        /** What the model keeps of batch {@code i}, given which kept records may be tombstones. */
        List<View> kept(int i, boolean tombstonesKept) {
            Map<String, Long> latest = latestOffsets();
            Predicate<View> keeps = r -> specs.get(i).passesThrough()
                    || r.key() != null && r.offset() == latest.get(r.key()) && (tombstonesKept || r.value() != null);
            return viewsOf(batches.get(i)).stream().filter(keeps).toList();
        }

        /** Whether the model keeps batch {@code i} even when it keeps none of its records. */
        boolean keptWhenEmpty(int i) {
            RecordBatch batch = batches.get(i);
            return batch.nextOffset() == endOffset || Long.valueOf(batch.lastOffset()).equals(producerLastOffsets.get(batch.producerId()));
        }
    }

    @Provide
    Arbitrary<Log> logs() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e").injectNull(0.05);
        Arbitrary<String> values = Arbitraries.strings().alpha().ofMaxLength(6).injectNull(0.25);
        Arbitrary<RecordSpec> records = Combinators.combine(keys, values, Arbitraries.integers().between(1, 2)).as(RecordSpec::new);
        Arbitrary<BatchSpec> batches = Combinators.combine(
                Arbitraries.of(CompressionType.class),
                Arbitraries.of(Kind.class),
                Arbitraries.of(false, false, true),
                Arbitraries.integers().between(0, 2),
                records.list().ofMinSize(1).ofMaxSize(5)).as(BatchSpec::new);
        return batches.list().ofMinSize(1).ofMaxSize(12).map(Log::of);
    }

    @Property(tries = 300)
    void firstRoundKeepsTheLatestRecordOfEachKeyAtItsOriginalOffset(@ForAll("logs") Log log) {
        // when
        Compactor.Result result = new Compactor(new KeyOffsetMap(BIG_MAP_BYTES, 0.9)).clean(log.bytes(), log.round(0, NOW));

        // then
        Map<Long, RecordBatch> outputByBase = new LinkedHashMap<>();
        batchesOf(result.cleaned()).forEach(batch -> outputByBase.put(batch.baseOffset(), batch));
        List<Long> expectedBases = new ArrayList<>();
        for (int i = 0; i < log.batches().size(); i++) {
            RecordBatch input = log.batches().get(i);
            List<View> kept = log.kept(i, true);
            if (!kept.isEmpty() || log.keptWhenEmpty(i)) {
                expectedBases.add(input.baseOffset());
                assertKeptAsKafkaWould(input, kept, outputByBase.get(input.baseOffset()));
            }
        }
        assertEquals(expectedBases, List.copyOf(outputByBase.keySet()), "batches kept, in order");
        assertEquals(log.endOffset(), result.cleanedUpTo());
        assertEquals(viewsOf(result.cleaned()).size(), result.stats().recordsRetained());
        assertEquals(log.bytes().readableBytes(), result.stats().bytesRead());
    }

    private static void assertKeptAsKafkaWould(RecordBatch input, List<View> kept, RecordBatch output) {
        output.ensureValid();
        assertEquals(kept, viewsOf(output), "records of batch " + input.baseOffset());
        boolean keptTombstone = kept.stream().anyMatch(r -> r.value() == null);
        if (kept.size() == input.recordCount() && (!keptTombstone || input.isControl() || input.isTransactional())) {
            assertEquals(hex(input), hex(output), "untouched batch is byte-identical");
            return;
        }
        assertEquals(input.lastOffset(), output.lastOffset(), "last offset, so the last sequence, survives");
        assertEquals(input.partitionLeaderEpoch(), output.partitionLeaderEpoch());
        assertEquals(input.producerId(), output.producerId());
        assertEquals(input.producerEpoch(), output.producerEpoch());
        assertEquals(input.baseSequence(), output.baseSequence());
        assertEquals(input.timestampType(), output.timestampType());
        assertEquals(kept.isEmpty() ? CompressionType.NONE : input.compressionType(), output.compressionType());
        assertEquals(keptTombstone, output.hasDeleteHorizon(), "delete horizon stamped on batches keeping tombstones");
        if (keptTombstone) {
            assertEquals(NOW + DELETE_RETENTION_MS, output.baseTimestamp());
        }
    }

    @Property(tries = 150)
    void roundsBeforeTheDeleteHorizonChangeNothingMore(@ForAll("logs") Log log) {
        // given
        Compactor compactor = new Compactor(new KeyOffsetMap(BIG_MAP_BYTES, 0.9));
        ByteBuf once = compactor.clean(log.bytes(), log.round(0, NOW)).cleaned();

        // when
        ByteBuf twice = compactor.clean(once, log.round(0, NOW + DELETE_RETENTION_MS - 1)).cleaned();

        // then
        assertEquals(ByteBufUtil.hexDump(once), ByteBufUtil.hexDump(twice));
    }

    @Property(tries = 150)
    void roundAtTheDeleteHorizonRemovesTheTombstones(@ForAll("logs") Log log) {
        // given
        Compactor compactor = new Compactor(new KeyOffsetMap(BIG_MAP_BYTES, 0.9));
        ByteBuf once = compactor.clean(log.bytes(), log.round(0, NOW)).cleaned();

        // when
        Compactor.Result later = compactor.clean(once, log.round(log.endOffset(), NOW + DELETE_RETENTION_MS));

        // then
        List<View> expected = new ArrayList<>();
        for (int i = 0; i < log.batches().size(); i++) {
            expected.addAll(log.kept(i, false));
        }
        assertEquals(expected, viewsOf(later.cleaned()));
        Predicate<View> keyedTombstone = r -> r.key() != null && r.value() == null;
        long expired = viewsOf(once).stream().filter(keyedTombstone).count() - expected.stream().filter(keyedTombstone).count();
        assertEquals(expired, later.stats().tombstonesRemoved());
    }

    @Property(tries = 150)
    void roundsWithASmallMapConvergeToOneRoundWithABigMap(@ForAll("logs") Log log, @ForAll("smallMapBytes") int smallMapBytes) {
        // given
        ByteBuf expected = new Compactor(new KeyOffsetMap(BIG_MAP_BYTES, 0.9)).clean(log.bytes(), log.round(0, NOW)).cleaned();
        Compactor small = new Compactor(new KeyOffsetMap(smallMapBytes, 0.9));

        // when
        ByteBuf cleaned = log.bytes();
        long firstDirty = 0;
        while (firstDirty < log.endOffset()) {
            Compactor.Result round = small.clean(cleaned, log.round(firstDirty, NOW));
            assertTrue(round.cleanedUpTo() > firstDirty, "each round makes progress");
            assertEquals(round.cleanedUpTo() < log.endOffset(), round.mapFull());
            cleaned = round.cleaned();
            firstDirty = round.cleanedUpTo();
        }

        // then
        assertEquals(viewsOf(expected), viewsOf(cleaned));
        assertEquals(batchesOf(expected).stream().map(RecordBatch::lastOffset).toList(), batchesOf(cleaned).stream().map(RecordBatch::lastOffset).toList());
    }

    @Provide
    Arbitrary<Integer> smallMapBytes() {
        return Arbitraries.integers().between(6, 9).map(entries -> entries * 24 * 10 / 9 + 24);
    }
}
