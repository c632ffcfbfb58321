package io.fjord.log;

import io.fjord.protocol.records.RecordBatch;

/**
 * The state a {@link PartitionLog} keeps beside its segments, as its built-in {@link PartitionLog.Listener}: the
 * {@link ProducerStateManager} of its idempotent and transactional producers ({@code <offset>.snapshot} files)
 * and its {@link LeaderEpochCache} ({@value LeaderEpochCache#FILE_NAME}), both in the partition directory. This
 * class keeps them in step with the log's changes; the log queries them directly.
 *
 * <p>Invariants between calls: the producer state is that of every batch below the log end offset, and a
 * snapshot is only taken at an offset whose state it is (a rolled segment's base, the log end at close); the
 * epoch cache holds the epoch of every batch appended since it was last cleared and no entry beyond the log end
 * offset. Opening and truncation rebuild the producer state from the latest usable snapshot and a replay of the
 * log's batches after it.
 *
 * <p>Not thread-safe: the log calls it under its lock only.
 */
final class ProducerAndEpochState implements PartitionLog.Listener {
    private final PartitionLog log;
    private final ProducerStateManager producers;
    private final LeaderEpochCache epochs;

    /** Reads the snapshots and the epoch checkpoint in {@code log}'s directory, which exists. */
    ProducerAndEpochState(PartitionLog log, long producerIdExpirationMs, Time time) {
        this.log = log;
        this.producers = new ProducerStateManager(log.dir(), producerIdExpirationMs, time);
        this.epochs = LeaderEpochCache.open(log.dir());
    }

    ProducerStateManager producers() {
        return producers;
    }

    LeaderEpochCache epochs() {
        return epochs;
    }

    /**
     * Brings both up to date with a log just opened: epoch entries outside [log start, log end] go; producer
     * state is the latest snapshot at or below the log end offset plus a replay of the batches after it, then
     * saved as a snapshot at the log end. After an unclean shutdown only snapshots at or below the recovery point
     * are used: later ones may describe batches that did not survive the crash.
     */
    void load(LoadState state, long logStartOffset, long logEndOffset) {
        epochs.truncateFromEnd(logEndOffset);
        epochs.truncateFromStart(logStartOffset);
        long trustedUpTo = state.cleanShutdown() ? logEndOffset : Math.min(state.recoveryPoint(), logEndOffset);
        long replayFrom = producers.truncateAndReload(logStartOffset, trustedUpTo);
        if (replayFrom < logEndOffset) {
            log.forEachBatchFrom(replayFrom, producers::update);
            producers.takeSnapshot(logEndOffset);
        }
    }

    @Override
    public void onAppend(RecordBatch batch) {
        if (batch.partitionLeaderEpoch() >= 0) {
            epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
        }
        producers.update(batch);
    }

    /** A recovered batch of an epoch newer than the latest cached one adds it, in case the crash lost that entry. */
    @Override
    public void onRecover(RecordBatch batch) {
        int epoch = batch.partitionLeaderEpoch();
        if (epoch >= 0 && epochs.latestEpoch().orElse(-1) < epoch) {
            epochs.assign(epoch, batch.baseOffset());
        }
    }

    /**
     * Drops epoch entries from {@code logEndOffset} on and rebuilds producer state below it. As in Kafka, when no
     * producer was known the log is not replayed: it can hold no batch of a producer that has not expired.
     */
    @Override
    public void onTruncate(long logEndOffset) {
        epochs.truncateFromEnd(logEndOffset);
        boolean hadProducers = !producers.activeProducers().isEmpty();
        long replayFrom = producers.truncateAndReload(log.logStartOffset(), logEndOffset);
        if (hadProducers && replayFrom < logEndOffset) {
            log.forEachBatchFrom(replayFrom, producers::update);
        }
    }

    /** The log was replaced by an empty one starting at {@code offset}: no epoch, producer or snapshot is left. */
    void onTruncateFully(long offset) {
        epochs.clear();
        producers.truncateAndReload(offset, offset);
    }

    @Override
    public void onLogStartOffset(long logStartOffset) {
        epochs.truncateFromStart(logStartOffset);
        producers.deleteSnapshotsBelow(logStartOffset);
    }
}
