package io.fjord.log;

import io.fjord.protocol.records.RecordBatch;

/**
 * What a producer's partition state remembers of one of its appended batches: enough to recognise a retry
 * (the sequence range) and to answer it with the original offsets and timestamp. Sequence numbers are
 * non-negative ints that wrap from {@link Integer#MAX_VALUE} to 0; a batch of n records covers n of them.
 *
 * @param lastSeq      the sequence number of the batch's last record
 * @param lastOffset   the offset of the batch's last record
 * @param offsetDelta  last offset minus first offset, also last sequence minus first sequence
 * @param maxTimestamp the batch's max timestamp (the log-append time on LogAppendTime topics)
 */
public record BatchMetadata(int lastSeq, long lastOffset, int offsetDelta, long maxTimestamp) {

    /** The metadata of {@code batch}, whose offsets are assigned. */
    public static BatchMetadata of(RecordBatch batch) {
        return new BatchMetadata(addToSequence(batch.baseSequence(), batch.lastOffsetDelta()), batch.lastOffset(),
                batch.lastOffsetDelta(), batch.maxTimestamp());
    }

    public int firstSeq() {
        return addToSequence(lastSeq, -offsetDelta);
    }

    public long firstOffset() {
        return lastOffset - offsetDelta;
    }

    /** {@code sequence + delta}, wrapping within 0..{@link Integer#MAX_VALUE} as producers number records. */
    static int addToSequence(int sequence, int delta) {
        return (int) Math.floorMod(sequence + (long) delta, 1L << 31);
    }
}
