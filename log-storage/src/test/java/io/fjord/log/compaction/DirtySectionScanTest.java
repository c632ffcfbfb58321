package io.fjord.log.compaction;

import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.EndTransactionMarker;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fjord.log.compaction.TestBatches.T0;
import static io.fjord.log.compaction.TestBatches.concat;
import static io.fjord.log.compaction.TestBatches.record;
import static io.fjord.log.compaction.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirtySectionScanTest {
    private static final long NOW = T0 + 1_000_000;

    private final KeyOffsetMap map = new KeyOffsetMap(24 * 100, 0.9);

    private static ByteBuf batch(Record... records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.LZ4).baseOffset(records[0].offset());
        List.of(records).forEach(builder::append);
        return builder.build();
    }

    private static CleaningRound round(long firstDirty, long firstUncleanable, long minCompactionLagMs) {
        return new CleaningRound(firstDirty, firstUncleanable, NOW, 1000, minCompactionLagMs, Map.of());
    }

    @Test
    void mapsTheLatestOffsetOfEachKeyOfTheDirtySection() {
        // given
        ByteBuf log = concat(List.of(batch(record(0, "a", "1"), record(1, "b", "1")), batch(record(2, "a", "2"), record(3, null, "x"))));

        // when
        DirtySectionScan scan = new DirtySectionScan(map, round(0, 100, 0));
        boolean wantsMore = scan.scan(log);

        // then
        assertTrue(wantsMore);
        assertEquals(4, scan.endOffset());
        assertEquals(2, map.get(utf8("a")));
        assertEquals(1, map.get(utf8("b")));
        assertEquals(2, map.size());
    }

    @Test
    void recordsBeforeTheFirstDirtyOffsetAreNotMapped() {
        // given: the first dirty offset falls inside the second batch
        ByteBuf log = concat(List.of(batch(record(0, "a", "1")), batch(record(1, "b", "1"), record(2, "c", "1"))));

        // when
        DirtySectionScan scan = new DirtySectionScan(map, round(2, 100, 0));
        scan.scan(log);

        // then
        assertEquals(-1, map.get(utf8("a")));
        assertEquals(-1, map.get(utf8("b")));
        assertEquals(2, map.get(utf8("c")));
        assertEquals(3, scan.endOffset());
    }

    @Test
    void sectionEndsBeforeTheBatchReachingTheFirstUncleanableOffset() {
        // given
        ByteBuf log = concat(List.of(batch(record(0, "a", "1")), batch(record(1, "a", "2"), record(2, "a", "3"))));

        // when
        DirtySectionScan scan = new DirtySectionScan(map, round(0, 2, 0));
        boolean wantsMore = scan.scan(log);

        // then
        assertFalse(wantsMore);
        assertEquals(1, scan.endOffset());
        assertEquals(0, map.get(utf8("a")));
        assertFalse(scan.mapFull());
    }

    @Test
    void minCompactionLagEndsTheSectionAtTheFirstBatchTooRecentToClean() {
        // given: with a 10 s lag, a batch whose maxTimestamp is NOW - 10 s may be cleaned, one at NOW - 9 999 ms may not
        ByteBuf log = concat(List.of(
                batch(new Record(0, NOW - 10_000, utf8("a"), utf8("1"), List.of())),
                batch(new Record(1, NOW - 9_999, utf8("a"), utf8("2"), List.of())),
                batch(new Record(2, NOW - 60_000, utf8("a"), utf8("3"), List.of()))));

        // when
        DirtySectionScan scan = new DirtySectionScan(map, round(0, 100, 10_000));
        scan.scan(log);

        // then
        assertEquals(1, scan.endOffset());
        assertEquals(0, map.get(utf8("a")));
    }

    @Test
    void fullMapEndsTheSectionAfterTheLastBatchItHadRoomFor() {
        // given: room for 4 keys, a first batch of 3 and a second of 2
        KeyOffsetMap small = new KeyOffsetMap(24 * 5, 0.8);
        ByteBuf log = concat(List.of(batch(record(0, "a", "1"), record(1, "b", "1"), record(2, "c", "1")),
                batch(record(3, "a", "2"), record(4, "d", "1"))));

        // when
        DirtySectionScan scan = new DirtySectionScan(small, round(0, 100, 0));
        boolean wantsMore = scan.scan(log);

        // then
        assertFalse(wantsMore);
        assertTrue(scan.mapFull());
        assertEquals(3, scan.endOffset());
        assertEquals(0, small.get(utf8("a")));
    }

    @Test
    void controlAndTransactionalRecordsAreNotMappedButDoNotEndTheSection() {
        // given
        ByteBuf transactional = new RecordBatchBuilder(CompressionType.NONE).baseOffset(1).producer(5, (short) 0, 0).transactional(true)
                .append(record(1, "a", "aborted?")).build();
        ByteBuf marker = new RecordBatchBuilder(CompressionType.NONE).baseOffset(2).producer(5, (short) 0, -1).transactional(true).control(true)
                .append(new Record(2, T0, ControlRecordType.ABORT.encodeKey(), new EndTransactionMarker(ControlRecordType.ABORT, 0).encodeValue(), List.of()))
                .build();
        ByteBuf log = concat(List.of(batch(record(0, "a", "1")), transactional, marker, batch(record(3, "b", "1"))));

        // when
        DirtySectionScan scan = new DirtySectionScan(map, round(0, 100, 0));
        scan.scan(log);

        // then
        assertEquals(0, map.get(utf8("a")));
        assertEquals(3, map.get(utf8("b")));
        assertEquals(2, map.size());
        assertEquals(4, scan.endOffset());
    }

    @Test
    void scanContinuesAcrossSegmentsUntilTheSectionEnds() {
        // given
        ByteBuf first = batch(record(0, "a", "1"));
        ByteBuf second = batch(record(1, "a", "2"));
        ByteBuf third = batch(record(2, "a", "3"));
        DirtySectionScan scan = new DirtySectionScan(map, round(0, 2, 0));

        // when / then
        assertTrue(scan.scan(first));
        assertTrue(scan.scan(second));
        assertFalse(scan.scan(third));
        assertEquals(2, scan.endOffset());
        assertEquals(1, map.get(utf8("a")));
    }
}
