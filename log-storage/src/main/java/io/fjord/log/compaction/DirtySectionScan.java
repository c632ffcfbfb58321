package io.fjord.log.compaction;

import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;

/**
 * Pass one of a cleaning round: maps each key of the dirty section to the offset of its latest record, fed
 * the log's batches in offset order, one buffer (segment) at a time. The section starts at the round's first
 * dirty offset and ends (exclusive) at {@link #endOffset()}, always a batch boundary, before the first batch
 * that
 * <ul>
 * <li>reaches the round's first uncleanable offset,</li>
 * <li>is within min.compaction.lag.ms by its maxTimestamp ({@link CleaningRound#withinCompactionLag}). Kafka
 *     applies this test per segment, to the segment's largest timestamp, when it computes the first
 *     uncleanable offset; per batch it also lets through the older leading batches of a segment Kafka would
 *     skip whole, each of them older than the lag, which is all min.compaction.lag.ms promises; or</li>
 * <li>has more records than the map has room for (counting every record as a new key): the map is then
 *     {@link #mapFull() full}, and the rest waits for the next round. A map too small for the first dirty
 *     batch makes no progress: {@link #endOffset()} stays at the first dirty offset.</li>
 * </ul>
 * Keyless records are not mapped (pass two drops them). Control batches and transactional batches are not
 * mapped either, but do not end the section: without the transaction index this pass cannot tell committed
 * data from aborted, and mapping an aborted record would delete the committed value it appears to supersede.
 *
 * <p>Clears the map on construction. Not thread-safe.
 */
public final class DirtySectionScan {
    private final KeyOffsetMap map;
    private final CleaningRound round;
    private long endOffset;
    private boolean ended;
    private boolean mapFull;

    public DirtySectionScan(KeyOffsetMap map, CleaningRound round) {
        this.map = map;
        this.round = round;
        this.endOffset = round.firstDirtyOffset();
        map.clear();
    }

    /** Maps the keys of the dirty batches in {@code batches}' readable bytes; false once the section has ended. */
    public boolean scan(ByteBuf batches) {
        for (RecordBatch batch : new RecordBatches(batches)) {
            if (ended) {
                break;
            }
            if (batch.nextOffset() > round.firstDirtyOffset()) {
                map(batch);
            }
        }
        return !ended;
    }

    private void map(RecordBatch batch) {
        if (batch.lastOffset() >= round.firstUncleanableOffset() || round.withinCompactionLag(batch.maxTimestamp())) {
            ended = true;
            return;
        }
        if (!batch.isControl() && !batch.isTransactional()) {
            if (!map.hasRoomFor(batch.recordCount())) {
                ended = true;
                mapFull = true;
                return;
            }
            for (Record record : batch) {
                if (record.key() != null && record.offset() >= round.firstDirtyOffset()) {
                    map.put(record.key(), record.offset());
                }
            }
        }
        endOffset = batch.nextOffset();
    }

    /** The first offset not mapped: the round cleans the log below it, and the cleaner checkpoint moves to it. */
    public long endOffset() {
        return endOffset;
    }

    /** Whether the section ended because the map had no room for the next batch's keys. */
    public boolean mapFull() {
        return mapFull;
    }
}
