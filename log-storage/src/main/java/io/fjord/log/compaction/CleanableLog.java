package io.fjord.log.compaction;

import io.fjord.log.PartitionLog;
import io.fjord.log.ProducerEntry;
import io.fjord.log.TopicPartition;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A partition log registered with the {@link LogCleaner}, with what the cleaner cannot learn from the log itself.
 * The cleaner only touches it while its cleanup.policy includes compact. Immutable; the suppliers must be thread-safe.
 *
 * @param partition           the partition, its key in the log directory's cleaner-offset-checkpoint
 * @param log                 the log
 * @param lastStableOffset    nothing at or above it is cleaned: the last stable offset, which is at most the high
 *                            watermark
 * @param producerLastOffsets producer id -> last offset of the producer's last data batch, for every producer the
 *                            producer state tracks; those batches survive cleaning (emptied if need be) so
 *                            the producers' epochs and sequences do
 */
public record CleanableLog(TopicPartition partition, PartitionLog log, LongSupplier lastStableOffset,
                           Supplier<Map<Long, Long>> producerLastOffsets) {

    /** A log cleaned up to its log end offset, with no producer state to keep. */
    public static CleanableLog of(TopicPartition partition, PartitionLog log) {
        return new CleanableLog(partition, log, log::logEndOffset, Map::of);
    }

    /**
     * A log bounded by its own producer state, as the log manager registers it: nothing from the first offset of
     * the earliest open transaction on is cleaned, and every producer's last data batch survives. The high
     * watermark, which the log does not know, bounds nothing.
     */
    public static CleanableLog ofProducerState(TopicPartition partition, PartitionLog log) {
        return new CleanableLog(partition, log, () -> firstUnstableOffset(log), () -> lastDataOffsets(log));
    }

    private static long firstUnstableOffset(PartitionLog log) {
        long logEndOffset = log.logEndOffset();
        return log.activeProducers().values().stream().map(ProducerEntry::currentTxnFirstOffset).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).reduce(logEndOffset, Math::min);
    }

    private static Map<Long, Long> lastDataOffsets(PartitionLog log) {
        Map<Long, Long> offsets = new HashMap<>();
        log.activeProducers().forEach((producerId, entry) -> {
            if (!entry.batches().isEmpty()) {
                offsets.put(producerId, entry.batches().get(entry.batches().size() - 1).lastOffset());
            }
        });
        return offsets;
    }

    /** The log directory (a log.dirs entry) holding the partition's directory and its cleaner checkpoint. */
    Path logDir() {
        return log.dir().getParent();
    }
}
