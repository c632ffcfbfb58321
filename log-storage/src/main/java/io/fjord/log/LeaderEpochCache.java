package io.fjord.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;

/**
 * A partition's leader epochs and the offset each began at, answering OffsetForLeaderEpoch and guiding
 * follower truncation. Entries strictly ascend in both epoch and start offset; an assignment that would break
 * that removes the entries it supersedes. Every change is written through to the {@link Checkpoint} before the
 * method returns, on disk the partition's {@value #FILE_NAME} file ({@link CheckpointFile}, entries as in
 * {@link EpochEntry}). Thread-safe: every method holds the cache's monitor, including the checkpoint write.
 */
public final class LeaderEpochCache {
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);

    private final Checkpoint<EpochEntry> checkpoint;
    private final List<EpochEntry> entries = new ArrayList<>();

    /** Loads the entries in {@code checkpoint}, dropping any that a later entry supersedes. */
    public LeaderEpochCache(Checkpoint<EpochEntry> checkpoint) {
        this.checkpoint = checkpoint;
        for (EpochEntry entry : checkpoint.read()) {
            if (isUpdateNeeded(entry.epoch(), entry.startOffset())) {
                put(entry);
            }
        }
    }

    /** The cache of the partition in {@code partitionDir}, backed by its {@value #FILE_NAME} file. */
    public static LeaderEpochCache open(Path partitionDir) {
        return new LeaderEpochCache(new CheckpointFile<>(partitionDir.resolve(FILE_NAME), EpochEntry.FORMAT));
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}; called for each appended batch with its partition
     * leader epoch and base offset. Ignored when {@code epoch} is already the latest and starts at or before
     * {@code startOffset}. Otherwise entries with an epoch at or above {@code epoch}, or a start offset at or
     * above {@code startOffset}, are removed first, so the new entry may replace a newer epoch.
     */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("invalid leader epoch entry: epoch " + epoch + " at offset " + startOffset);
        }
        if (isUpdateNeeded(epoch, startOffset)) {
            put(new EpochEntry(epoch, startOffset));
            checkpoint.write(entries);
        }
    }

    private boolean isUpdateNeeded(int epoch, long startOffset) {
        return entries.isEmpty() || latest().epoch() != epoch || startOffset < latest().startOffset();
    }

    private void put(EpochEntry entry) {
        int kept = entries.size();
        while (kept > 0 && supersedes(entry, entries.get(kept - 1))) {
            kept--;
        }
        if (kept < entries.size() - 1 || kept < entries.size() && entries.get(kept).startOffset() != entry.startOffset()) {
            log.warn("Leader epoch {} at offset {} supersedes entries {}", entry.epoch(), entry.startOffset(), entries.subList(kept, entries.size()));
        }
        entries.subList(kept, entries.size()).clear();
        entries.add(entry);
    }

    private static boolean supersedes(EpochEntry newer, EpochEntry older) {
        return older.epoch() >= newer.epoch() || older.startOffset() >= newer.startOffset();
    }

    private EpochEntry latest() {
        return entries.get(entries.size() - 1);
    }

    public synchronized OptionalInt latestEpoch() {
        return entries.isEmpty() ? OptionalInt.empty() : OptionalInt.of(latest().epoch());
    }

    /** The epoch the batch at {@code offset} was written in: the latest epoch starting at or before it. */
    public synchronized OptionalInt epochForOffset(long offset) {
        int index = countAtMost(EpochEntry::startOffset, offset) - 1;
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(entries.get(index).epoch());
    }

    /**
     * The OffsetForLeaderEpoch answer for {@code requestedEpoch}: for the latest epoch, that epoch and
     * {@code logEndOffset}; for an older one, the largest known epoch at or below it and the start offset of the
     * next known epoch; for one below every known epoch, the requested epoch itself and the first entry's start
     * offset. {@link EpochEndOffset#UNDEFINED} when the cache is empty, the request is
     * {@link EpochEndOffset#UNDEFINED_EPOCH}, or the epoch is above the latest.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == EpochEndOffset.UNDEFINED_EPOCH || entries.isEmpty() || requestedEpoch > latest().epoch()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == latest().epoch()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        int next = countAtMost(EpochEntry::epoch, requestedEpoch);
        int epoch = next == 0 ? requestedEpoch : entries.get(next - 1).epoch();
        return new EpochEndOffset(epoch, entries.get(next).startOffset());
    }

    /** Removes the entries starting at or after {@code endOffset}, for a log truncated to end there. */
    public synchronized void truncateFromEnd(long endOffset) {
        if (endOffset < 0) {
            return;
        }
        int kept = countAtMost(EpochEntry::startOffset, endOffset - 1);
        if (kept < entries.size()) {
            entries.subList(kept, entries.size()).clear();
            checkpoint.write(entries);
        }
    }

    /**
     * For a log start offset moved to {@code startOffset}: the latest entry starting at or before it now starts
     * there, and the entries before that are removed.
     */
    public synchronized void truncateFromStart(long startOffset) {
        int covering = countAtMost(EpochEntry::startOffset, startOffset) - 1;
        if (covering < 0 || covering == 0 && entries.get(0).startOffset() == startOffset) {
            return;
        }
        EpochEntry first = new EpochEntry(entries.get(covering).epoch(), startOffset);
        entries.subList(0, covering).clear();
        entries.set(0, first);
        checkpoint.write(entries);
    }

    /** Removes every entry, for a log deleted or truncated fully. */
    public synchronized void clear() {
        if (!entries.isEmpty()) {
            entries.clear();
            checkpoint.write(entries);
        }
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    /** The number of leading entries whose {@code key} is at most {@code value}; both keys ascend. */
    private int countAtMost(ToLongFunction<EpochEntry> key, long value) {
        int low = 0;
        int high = entries.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (key.applyAsLong(entries.get(mid)) <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
