package io.fjord.log.compaction;

import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One cleaning round over a log held in one buffer of back-to-back batches, as a segment holds them: pass
 * one ({@link DirtySectionScan}) maps the dirty section's keys, pass two ({@link BatchCompactor}) rewrites
 * every batch. The cleaned bytes cover the whole input, batches in the same order with the same offsets
 * (now possibly with gaps between them), compacted below {@link Result#cleanedUpTo()} and unchanged from
 * there on. A segment-level cleaner runs the same two passes across several segments.
 *
 * <p>Owns its map, reused by every round. Not thread-safe: one per cleaner thread.
 */
public final class Compactor {
    private final KeyOffsetMap map;

    public Compactor(KeyOffsetMap map) {
        this.map = map;
    }

    /**
     * What one round leaves of a log.
     *
     * @param cleaned     the retained batches, in a new heap buffer the caller owns
     * @param cleanedUpTo the end of the mapped dirty section: the next round's first dirty offset
     * @param mapFull     whether the map filled up before the dirty section's natural end
     */
    public record Result(ByteBuf cleaned, long cleanedUpTo, boolean mapFull, CompactionStats stats) {
    }

    /**
     * Cleans {@code batches}' readable bytes, which must be whole batches; does not move its indexes.
     *
     * @throws CorruptRecordException if bytes after the last whole batch remain, or a batch is malformed
     */
    public Result clean(ByteBuf batches, CleaningRound round) {
        DirtySectionScan scan = new DirtySectionScan(map, round);
        scan.scan(batches);
        CompactionStats stats = new CompactionStats();
        BatchCompactor compactor = new BatchCompactor(map, scan.endOffset(), round, stats);
        ByteBuf cleaned = Unpooled.buffer(batches.readableBytes());
        try {
            for (RecordBatch batch : new RecordBatches(batches)) {
                compactor.compact(batch, cleaned);
            }
            if (stats.bytesRead() != batches.readableBytes()) {
                throw new CorruptRecordException((batches.readableBytes() - stats.bytesRead()) + " bytes after the last whole batch");
            }
            return new Result(cleaned, scan.endOffset(), scan.mapFull(), stats);
        } catch (RuntimeException e) {
            cleaned.release();
            throw e;
        }
    }
}
