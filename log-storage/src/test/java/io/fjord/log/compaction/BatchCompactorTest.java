package io.fjord.log.compaction;

import io.fjord.log.compaction.TestBatches.View;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.EndTransactionMarker;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fjord.log.compaction.TestBatches.T0;
import static io.fjord.log.compaction.TestBatches.batchesOf;
import static io.fjord.log.compaction.TestBatches.record;
import static io.fjord.log.compaction.TestBatches.utf8;
import static io.fjord.log.compaction.TestBatches.viewsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchCompactorTest {
    private static final long NOW = T0 + 1_000_000;
    private static final long RETENTION = 60_000;
    private static final long END = 1_000;

    private final KeyOffsetMap map = new KeyOffsetMap(24 * 100, 0.9);
    private final CompactionStats stats = new CompactionStats();

    private ByteBuf compact(ByteBuf batch, CleaningRound round) {
        ByteBuf out = Unpooled.buffer();
        new BatchCompactor(map, END, round, stats).compact(RecordBatch.wrap(batch), out);
        return out;
    }

    private static CleaningRound round(long nowMs) {
        return round(nowMs, Map.of());
    }

    private static CleaningRound round(long nowMs, Map<Long, Long> producerLastOffsets) {
        return new CleaningRound(0, END, nowMs, RETENTION, 0, producerLastOffsets);
    }

    private static ByteBuf batch(RecordBatchBuilder builder, Record... records) {
        List.of(records).forEach(builder::append);
        return builder.build();
    }

    private static RecordBatchBuilder plain(CompressionType codec, long baseOffset) {
        return new RecordBatchBuilder(codec).baseOffset(baseOffset);
    }

    private static String hex(ByteBuf bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    @Test
    void batchKeepingEveryRecordIsCopiedByteForByte() {
        // given
        ByteBuf input = batch(plain(CompressionType.ZSTD, 0), record(0, "a", "1"), record(1, "b", "1"));
        map.put(utf8("a"), 0);
        map.put(utf8("b"), 1);

        // when
        ByteBuf out = compact(input, round(NOW));

        // then
        assertEquals(hex(input), hex(out));
        assertEquals(2, stats.recordsRetained());
        assertEquals(input.readableBytes(), stats.bytesRetained());
    }

    @Test
    void supersededRecordsGoAndTheRebuiltBatchKeepsTheOriginalHeader() {
        // given
        RecordBatchBuilder builder = plain(CompressionType.GZIP, 10).producer(7, (short) 3, 100).partitionLeaderEpoch(4);
        Record withHeader = new Record(11, T0 - 5, utf8("b"), utf8("1"), List.of(new Record.Header("h", utf8("x"))));
        ByteBuf input = batch(builder, record(10, "a", "1"), withHeader, record(12, "a", "2"), record(13, "c", "1"));
        map.put(utf8("a"), 12);
        map.put(utf8("c"), 20);

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW))).get(0);

        // then
        out.ensureValid();
        assertEquals(List.of(new View(11, T0 - 5, "b", "1"), new View(12, T0 + 12, "a", "2")), viewsOf(out));
        assertEquals(withHeader.headers().get(0).key(), out.iterator().next().headers().get(0).key());
        assertEquals(10, out.baseOffset());
        assertEquals(13, out.lastOffset());
        assertEquals(CompressionType.GZIP, out.compressionType());
        assertEquals(7, out.producerId());
        assertEquals(3, out.producerEpoch());
        assertEquals(100, out.baseSequence());
        assertEquals(4, out.partitionLeaderEpoch());
        assertFalse(out.hasDeleteHorizon());
        assertEquals(4, stats.recordsRead());
        assertEquals(2, stats.recordsRetained());
    }

    @Test
    void keylessRecordsAreDropped() {
        // given
        ByteBuf input = batch(plain(CompressionType.NONE, 0), record(0, null, "1"), record(1, "a", "1"));

        // when
        ByteBuf out = compact(input, round(NOW));

        // then
        assertEquals(List.of(new View(1, T0 + 1, "a", "1")), viewsOf(out));
        assertEquals(1, stats.keylessRecordsRemoved());
    }

    @Test
    void firstRoundOverATombstoneStampsTheDeleteHorizonOnItsBatch() {
        // given
        ByteBuf input = batch(plain(CompressionType.SNAPPY, 0), record(0, "a", null));
        map.put(utf8("a"), 0);

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW))).get(0);

        // then
        assertTrue(out.hasDeleteHorizon());
        assertEquals(NOW + RETENTION, out.baseTimestamp());
        assertEquals(List.of(new View(0, T0, "a", null)), viewsOf(out));
    }

    @Test
    void tombstoneStaysUntilTheRoundClockReachesItsDeleteHorizon() {
        // given
        ByteBuf stamped = compact(batch(plain(CompressionType.NONE, 0), record(0, "a", null)), round(NOW));

        // when
        ByteBuf justBefore = compact(stamped, round(NOW + RETENTION - 1));
        ByteBuf atHorizon = compact(stamped, round(NOW + RETENTION));

        // then
        assertEquals(hex(stamped), hex(justBefore));
        assertEquals(0, atHorizon.readableBytes());
        assertEquals(1, stats.tombstonesRemoved());
    }

    @Test
    void rebuiltBatchKeepsTheDeleteHorizonItAlreadyHad() {
        // given
        ByteBuf input = batch(plain(CompressionType.LZ4, 0).deleteHorizon(NOW - 1), record(0, "a", "1"), record(1, "b", "1"));
        map.put(utf8("a"), 5);

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW))).get(0);

        // then
        assertTrue(out.hasDeleteHorizon());
        assertEquals(NOW - 1, out.baseTimestamp());
        assertEquals(List.of(new View(1, T0 + 1, "b", "1")), viewsOf(out));
    }

    @Test
    void emptiedLastBatchOfATrackedProducerIsKeptAsAnEmptyBatch() {
        // given
        ByteBuf input = batch(plain(CompressionType.GZIP, 5).producer(7, (short) 2, 30), record(5, "a", "1"), record(6, "a", "2"));
        map.put(utf8("a"), 9);

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW, Map.of(7L, 6L)))).get(0);

        // then
        out.ensureValid();
        assertEquals(0, out.recordCount());
        assertEquals(5, out.baseOffset());
        assertEquals(6, out.lastOffset());
        assertEquals(30, out.baseSequence());
        assertEquals(2, out.producerEpoch());
    }

    @Test
    void emptiedBatchOfAProducerThatWroteLaterIsDropped() {
        // given
        ByteBuf input = batch(plain(CompressionType.GZIP, 5).producer(7, (short) 2, 30), record(5, "a", "1"));
        map.put(utf8("a"), 9);

        // when
        ByteBuf out = compact(input, round(NOW, Map.of(7L, 9L)));

        // then
        assertEquals(0, out.readableBytes());
    }

    @Test
    void emptiedBatchEndingAtTheFirstUncleanableOffsetIsKeptSoTheLogEndOffsetSurvives() {
        // given
        ByteBuf input = batch(plain(CompressionType.NONE, END - 2), record(END - 2, null, "1"), record(END - 1, null, "2"));

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW))).get(0);

        // then
        assertEquals(0, out.recordCount());
        assertEquals(END, out.nextOffset());
    }

    @Test
    void controlAndTransactionalBatchesPassThroughUnchanged() {
        // given: records compaction would otherwise drop
        ByteBuf transactional = batch(plain(CompressionType.SNAPPY, 0).producer(5, (short) 0, 0).transactional(true),
                record(0, "a", "old"), record(1, null, "keyless"), record(2, "b", null));
        ByteBuf marker = batch(plain(CompressionType.NONE, 3).producer(5, (short) 0, -1).transactional(true).control(true),
                new Record(3, T0, ControlRecordType.COMMIT.encodeKey(), new EndTransactionMarker(ControlRecordType.COMMIT, 0).encodeValue(), List.of()));
        map.put(utf8("a"), 9);
        map.put(utf8("b"), 9);

        // when / then
        assertEquals(hex(transactional), hex(compact(transactional, round(NOW))));
        assertEquals(hex(marker), hex(compact(marker, round(NOW))));
    }

    @Test
    void batchesFromTheSectionEndOnPassThroughUnchanged() {
        // given
        ByteBuf input = batch(plain(CompressionType.NONE, END), record(END, null, "keyless"), record(END + 1, "a", null));

        // when / then
        assertEquals(hex(input), hex(compact(input, round(NOW))));
    }

    @Test
    void rebuiltLogAppendTimeBatchKeepsItsAppendTime() {
        // given
        ByteBuf input = batch(plain(CompressionType.ZSTD, 0).logAppendTime(T0 + 500), record(0, "a", "1"), record(1, "b", "1"));
        map.put(utf8("a"), 5);

        // when
        RecordBatch out = batchesOf(compact(input, round(NOW))).get(0);

        // then
        assertEquals(TimestampType.LOG_APPEND_TIME, out.timestampType());
        assertEquals(T0 + 500, out.maxTimestamp());
        assertEquals(List.of(new View(1, T0 + 500, "b", "1")), viewsOf(out));
    }
}
