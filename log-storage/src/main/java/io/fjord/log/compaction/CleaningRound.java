package io.fjord.log.compaction;

import io.fjord.log.LogConfig;

import java.util.Map;

/**
 * What one cleaning round of a compacted log decides by, besides the records themselves. Immutable.
 *
 * @param firstDirtyOffset       where the dirty section starts: the cleaner checkpoint, else the log start offset
 * @param firstUncleanableOffset the end (exclusive) of what may be cleaned, as Kafka computes it: the least of
 *                               the last stable offset, the active segment's base offset and the base offset of
 *                               the first dirty segment whose largest timestamp is within min.compaction.lag.ms.
 *                               The batch ending exactly here is kept even when compaction empties it, so the
 *                               log end offset survives (KAFKA-17076, Kafka 4.0 on; later Kafka keys this to the
 *                               high watermark instead, KAFKA-20452)
 * @param nowMs                  the round's clock: delete horizons are stamped from it and compared with it
 * @param deleteRetentionMs      delete.retention.ms: how long a tombstone outlives the first round that sees it
 * @param minCompactionLagMs     min.compaction.lag.ms: a batch whose maxTimestamp is later than
 *                               {@code nowMs - minCompactionLagMs} ends the dirty section (0 disables the check)
 * @param producerLastOffsets    producer id -> last offset of that producer's last data batch, for every producer
 *                               the producer state still tracks; that batch is kept, emptied if need be, so the
 *                               producer's epoch and last sequence survive compaction
 */
public record CleaningRound(long firstDirtyOffset, long firstUncleanableOffset, long nowMs, long deleteRetentionMs,
                            long minCompactionLagMs, Map<Long, Long> producerLastOffsets) {
    public CleaningRound {
        producerLastOffsets = Map.copyOf(producerLastOffsets);
    }

    /** A round over {@code config}'s delete.retention.ms and min.compaction.lag.ms. */
    public static CleaningRound of(LogConfig config, long firstDirtyOffset, long firstUncleanableOffset, long nowMs,
                                   Map<Long, Long> producerLastOffsets) {
        return new CleaningRound(firstDirtyOffset, firstUncleanableOffset, nowMs, config.deleteRetentionMs(),
                config.minCompactionLagMs(), producerLastOffsets);
    }

    /** Whether a batch with this maxTimestamp is too recent to clean under min.compaction.lag.ms. */
    boolean withinCompactionLag(long maxTimestamp) {
        return minCompactionLagMs > 0 && maxTimestamp > nowMs - minCompactionLagMs;
    }

    /** The delete horizon to stamp on a batch whose tombstones this round sees first; saturates rather than overflows. */
    long newDeleteHorizon() {
        return deleteRetentionMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + deleteRetentionMs;
    }
}
