package io.fjord.log.compaction;

import io.fjord.log.LogConfig;
import io.fjord.log.LogSegment;
import io.fjord.log.PartitionLog;

import java.io.IOException;
import java.util.List;

/**
 * A compacted log as the cleaner sizes it up at one moment, by Kafka's rules, over a snapshot of its segments (the
 * active one last, never cleaned). Immutable.
 *
 * <ul>
 * <li>The dirty section starts at the cleaner checkpoint, or at the log start offset when there is none or when it
 *     lies outside [log start offset, log end offset] (then {@link #checkpointReset}).</li>
 * <li>It ends (exclusive) at the first uncleanable offset: the least of the last stable offset, the active segment's
 *     base offset and, when min.compaction.lag.ms is set, the base offset of the first dirty segment holding a
 *     timestamp within the lag; then rounded down to the base offset of the segment holding it.</li>
 * <li>Cleanable bytes are the sizes of the segments from the one holding the first dirty offset up to the first
 *     uncleanable offset; clean bytes those of the segments wholly below the first dirty offset. The dirty ratio is
 *     cleanable bytes over both.</li>
 * <li>The log must be cleaned now, whatever its ratio, when a dirty inactive segment's first batch is older than
 *     max.compaction.lag.ms.</li>
 * </ul>
 *
 * @param truncationCount the log's {@link PartitionLog#truncationCount()} before the snapshot was taken
 */
record LogToClean(CleanableLog cleanable, List<LogSegment> segments, long truncationCount, long firstDirtyOffset,
                  long firstUncleanableOffset, long cleanBytes, long cleanableBytes, boolean needCompactionNow,
                  boolean checkpointReset) {

    static LogToClean of(CleanableLog cleanable, Long checkpoint, long nowMs) throws IOException {
        PartitionLog log = cleanable.log();
        long truncationCount = log.truncationCount();
        List<LogSegment> segments = List.copyOf(log.segments());
        long logStartOffset = log.logStartOffset();
        long checkpointed = checkpoint == null ? logStartOffset : checkpoint;
        boolean reset = checkpointed < logStartOffset || checkpointed > log.logEndOffset();
        long firstDirty = reset ? logStartOffset : checkpointed;
        LogConfig config = log.config();

        LogSegment active = segments.get(segments.size() - 1);
        long uncleanable = Math.min(cleanable.lastStableOffset().getAsLong(), active.baseOffset());
        if (config.minCompactionLagMs() > 0) {
            for (LogSegment segment : inactiveFrom(segments, firstDirty)) {
                if (segment.maxTimestamp() > nowMs - config.minCompactionLagMs()) {
                    uncleanable = Math.min(uncleanable, segment.baseOffset());
                    break;
                }
            }
        }
        List<LogSegment> fromUncleanable = inactiveFrom(segments, Math.max(firstDirty, uncleanable));
        long firstUncleanable = fromUncleanable.isEmpty() ? active.baseOffset() : fromUncleanable.get(0).baseOffset();

        long cleanBytes = segments.stream().filter(s -> s.baseOffset() < firstDirty).mapToLong(LogSegment::size).sum();
        long cleanableBytes = 0;
        if (firstDirty < firstUncleanable) {
            long floor = floorBase(segments, firstDirty);
            cleanableBytes = segments.stream().filter(s -> s.baseOffset() >= floor && s.baseOffset() < firstUncleanable)
                    .mapToLong(LogSegment::size).sum();
        }
        return new LogToClean(cleanable, segments, truncationCount, firstDirty, firstUncleanable, cleanBytes, cleanableBytes,
                mustCleanNow(inactiveFrom(segments, firstDirty), config, nowMs), reset);
    }

    /** Whether a dirty inactive segment's first batch (with a timestamp) is older than max.compaction.lag.ms. */
    private static boolean mustCleanNow(List<LogSegment> dirtyInactive, LogConfig config, long nowMs) throws IOException {
        long cleanUntil = nowMs - config.maxCompactionLagMs();
        for (LogSegment segment : dirtyInactive) {
            long firstTimestamp = cleanUntil > 0 ? segment.firstBatchMaxTimestamp() : -1;
            if (firstTimestamp > 0 && firstTimestamp < cleanUntil) {
                return true;
            }
        }
        return false;
    }

    /** The inactive segments from the one holding {@code offset} (or the first, if none does) on. */
    private static List<LogSegment> inactiveFrom(List<LogSegment> segments, long offset) {
        long floor = floorBase(segments, offset);
        return segments.subList(0, segments.size() - 1).stream().filter(s -> s.baseOffset() >= floor).toList();
    }

    private static long floorBase(List<LogSegment> segments, long offset) {
        long floor = segments.get(0).baseOffset();
        for (LogSegment segment : segments) {
            if (segment.baseOffset() <= offset) {
                floor = segment.baseOffset();
            }
        }
        return floor;
    }

    long totalBytes() {
        return cleanBytes + cleanableBytes;
    }

    double cleanableRatio() {
        return (double) cleanableBytes / totalBytes();
    }

    /** Whether Kafka's cleaner would pick this log: dirty enough, or overdue by max.compaction.lag.ms with something to clean. */
    boolean isCleanable() {
        return needCompactionNow && cleanableBytes > 0 || cleanableRatio() > cleanable.log().config().minCleanableDirtyRatio();
    }

    /** The inactive segments wholly below {@code offset}, or holding it. */
    List<LogSegment> inactiveBelow(long offset) {
        return segments.subList(0, segments.size() - 1).stream().filter(s -> s.baseOffset() < offset).toList();
    }
}
