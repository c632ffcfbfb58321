package io.fjord.log.compaction;

import io.fjord.log.LogConfig;
import io.fjord.log.LogSegment;
import io.fjord.log.PartitionLog;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cleans one compacted log at a time, as Kafka's cleaner does, reading inactive segments in chunks of whole batches.
 * Pass one ({@link DirtySectionScan}) maps the keys of the dirty section up to the first uncleanable offset, or up to
 * where the map fills. Pass two ({@link BatchCompactor}) rewrites every inactive segment below the mapped section's
 * end, clean section included: consecutive segments are grouped ({@link #groupBySize}), each group is written to
 * one {@code .cleaned} segment with rebuilt indexes, flushed, and swapped in for the group by
 * {@link PartitionLog#replaceSegments}. The active segment is never read. Offsets never change.
 *
 * <p>Owns its key-offset map, allocated on first use. Not thread-safe: one per cleaner thread.
 */
final class SegmentCleaner {
    private final int mapBytes;
    private final double loadFactor;
    private final int readBytes;
    private KeyOffsetMap map;

    /**
     * What a finished cleaning did.
     *
     * @param cleanedUpTo the end of the mapped dirty section: the log's next checkpoint
     */
    record Result(long cleanedUpTo, CompactionStats stats) {
    }

    SegmentCleaner(int mapBytes, double loadFactor, int readBytes) {
        this.mapBytes = mapBytes;
        this.loadFactor = loadFactor;
        this.readBytes = readBytes;
    }

    /**
     * Cleans the log below its first uncleanable offset with {@code nowMs} as the round's clock. Empty when the log
     * moved on meanwhile (truncated, closed, segments deleted): groups swapped in before that stay.
     *
     * @throws IllegalStateException when the map cannot hold the keys of even the first dirty batch
     */
    Optional<Result> clean(LogToClean toClean, long nowMs) throws IOException {
        PartitionLog log = toClean.cleanable().log();
        LogConfig config = log.config();
        CleaningRound round = CleaningRound.of(config, toClean.firstDirtyOffset(), toClean.firstUncleanableOffset(), nowMs,
                toClean.cleanable().producerLastOffsets().get());
        if (map == null) {
            map = new KeyOffsetMap(mapBytes, loadFactor);
        }
        long endOffset = mapDirtySection(toClean.inactiveBelow(round.firstUncleanableOffset()), round);
        if (endOffset == round.firstDirtyOffset()) {
            throw new IllegalStateException("a dedupe buffer of " + map.maxEntries() + " keys cannot hold the first dirty batch at offset "
                    + endOffset + " of " + log.dir() + "; raise log.cleaner.dedupe.buffer.size");
        }
        CompactionStats stats = new CompactionStats();
        BatchCompactor compactor = new BatchCompactor(map, endOffset, round, stats);
        for (List<LogSegment> group : groupBySize(toClean.inactiveBelow(endOffset), config.segmentBytes(),
                config.segmentIndexBytes(), round.firstUncleanableOffset())) {
            if (!cleanGroup(log, group, compactor, toClean.truncationCount())) {
                return Optional.empty();
            }
        }
        return Optional.of(new Result(endOffset, stats));
    }

    /** Pass one over the segments holding the dirty section; the first offset not mapped. */
    private long mapDirtySection(List<LogSegment> segments, CleaningRound round) throws IOException {
        DirtySectionScan scan = new DirtySectionScan(map, round);
        for (int i = 0; i < segments.size(); i++) {
            boolean whollyClean = i + 1 < segments.size() && segments.get(i + 1).baseOffset() <= round.firstDirtyOffset();
            if (!whollyClean && !forEachChunk(segments.get(i), scan::scan)) {
                break;
            }
        }
        return scan.endOffset();
    }

    /** Pass two over one group; false if the log refused the swap. */
    private boolean cleanGroup(PartitionLog log, List<LogSegment> group, BatchCompactor compactor, long truncationCount) throws IOException {
        LogSegment cleaned = log.createCleanedSegment(group.get(0).baseOffset());
        try {
            ByteBuf retained = Unpooled.buffer();
            for (LogSegment segment : group) {
                forEachChunk(segment, chunk -> {
                    retained.clear();
                    for (RecordBatch batch : new RecordBatches(chunk)) {
                        compactor.compact(batch, retained);
                    }
                    if (retained.isReadable()) {
                        cleaned.append(retained);
                    }
                    return true;
                });
            }
            cleaned.onBecomeInactive();
            cleaned.flush();
            Files.setLastModifiedTime(cleaned.logFile(), Files.getLastModifiedTime(group.get(group.size() - 1).logFile()));
            if (log.replaceSegments(cleaned, group, truncationCount)) {
                return true;
            }
        } catch (IOException | RuntimeException e) {
            try {
                cleaned.deleteFiles();
            } catch (IOException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
        cleaned.deleteFiles();
        return false;
    }

    /** Hands the segment's batches to {@code consumer} in chunks of whole batches while it returns true; false if it stopped. */
    private boolean forEachChunk(LogSegment segment, ChunkConsumer consumer) throws IOException {
        int size = segment.size();
        int position = 0;
        while (position < size) {
            ByteBuf chunk = segment.readBatches(position, readBytes);
            if (!chunk.isReadable()) {
                throw new CorruptRecordException("no whole batch at position " + position + " of " + segment.logFile());
            }
            position += chunk.readableBytes();
            if (!consumer.accept(chunk)) {
                return false;
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface ChunkConsumer {
        boolean accept(ByteBuf chunk) throws IOException;
    }

    /**
     * Kafka's grouping of consecutive segments into cleaning groups, each written to one segment: a segment joins the
     * group before it while the group's log bytes, offset index bytes and time index bytes each stay within
     * {@code maxBytes} (segment.bytes) and {@code maxIndexBytes} (segment.index.bytes), and, unless it is empty, its
     * last offset (the next segment's base offset minus one, or {@code firstUncleanableOffset} minus one for the last)
     * stays within 2^31 - 1 of the group's base offset.
     */
    static List<List<LogSegment>> groupBySize(List<LogSegment> segments, int maxBytes, int maxIndexBytes, long firstUncleanableOffset) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            LogSegment first = segments.get(i);
            List<LogSegment> group = new ArrayList<>(List.of(first));
            long bytes = first.size();
            long offsetIndexBytes = first.offsetIndex().sizeInBytes();
            long timeIndexBytes = first.timeIndex().sizeInBytes();
            for (i++; i < segments.size(); i++) {
                LogSegment next = segments.get(i);
                long lastOffset = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() - 1 : firstUncleanableOffset - 1;
                if (bytes + next.size() > maxBytes
                        || offsetIndexBytes + next.offsetIndex().sizeInBytes() > maxIndexBytes
                        || timeIndexBytes + next.timeIndex().sizeInBytes() > maxIndexBytes
                        || next.size() > 0 && lastOffset - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                group.add(next);
                bytes += next.size();
                offsetIndexBytes += next.offsetIndex().sizeInBytes();
                timeIndexBytes += next.timeIndex().sizeInBytes();
            }
            groups.add(group);
        }
        return groups;
    }
}
