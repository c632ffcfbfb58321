package io.fjord.log;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Decides how many of a partition log's oldest segments retention deletes, by Kafka's rules, applied in this
 * order, each to the segments the previous ones keep:
 * <ol>
 *   <li>any cleanup.policy: a segment whose next segment starts at or below the log start offset;</li>
 *   <li>cleanup.policy delete, retention.bytes not -1 and the log at least that large: oldest first, a segment
 *       while the bytes over retention.bytes are at least its size (those bytes then shrink by it);</li>
 *   <li>cleanup.policy delete, retention.ms not -1: a segment whose largest timestamp is more than retention.ms
 *       before now; a segment without timestamps counts its .log file's modification time.</li>
 * </ol>
 * Each rule stops at the first segment it keeps, and never takes a last segment that is empty. A result
 * covering every segment takes the non-empty active one too; the log then rolls before deleting. Kafka's
 * further bound, the high watermark, is the caller's to add. Stateless.
 */
final class Retention {
    private Retention() {
    }

    @FunctionalInterface
    private interface Rule {
        boolean deletes(LogSegment segment, LogSegment next) throws IOException;
    }

    /** The number of leading {@code segments} (oldest first, the active one last) to delete. */
    static int deletableSegments(List<LogSegment> segments, long logStartOffset, LogConfig config, long nowMs) throws IOException {
        int deletable = leading(segments, 0, (segment, next) -> next != null && next.baseOffset() <= logStartOffset);
        if (!config.delete()) {
            return deletable;
        }
        long size = segments.subList(deletable, segments.size()).stream().mapToLong(LogSegment::size).sum();
        if (config.retentionBytes() >= 0 && size >= config.retentionBytes()) {
            long[] excess = {size - config.retentionBytes()};
            deletable = leading(segments, deletable, (segment, next) -> {
                boolean delete = excess[0] >= segment.size();
                if (delete) {
                    excess[0] -= segment.size();
                }
                return delete;
            });
        }
        if (config.retentionMs() >= 0) {
            deletable = leading(segments, deletable, (segment, next) -> nowMs - largestTimestamp(segment) > config.retentionMs());
        }
        return deletable;
    }

    /** The index after the run of segments from {@code from} that {@code rule} deletes. */
    private static int leading(List<LogSegment> segments, int from, Rule rule) throws IOException {
        int end = from;
        while (end < segments.size()) {
            LogSegment next = end + 1 < segments.size() ? segments.get(end + 1) : null;
            LogSegment segment = segments.get(end);
            if (next == null && segment.size() == 0 || !rule.deletes(segment, next)) {
                break;
            }
            end++;
        }
        return end;
    }

    private static long largestTimestamp(LogSegment segment) throws IOException {
        long max = segment.maxTimestamp();
        return max >= 0 ? max : Files.getLastModifiedTime(segment.logFile()).toMillis();
    }
}
