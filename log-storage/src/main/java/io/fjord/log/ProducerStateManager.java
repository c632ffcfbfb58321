package io.fjord.log;

import io.fjord.protocol.records.EndTransactionMarker;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The idempotent and transactional producers of one partition: per producer id a {@link ProducerEntry} (epoch,
 * last {@value ProducerEntry#BATCHES_RETAINED} batches, coordinator epoch, open transaction). The leader checks
 * each produced batch against it ({@link #validateLeaderAppend}); every appended batch, on leaders, followers
 * and during recovery replay, is applied with {@link #update}. Batches without a producer id (-1) are ignored.
 *
 * <p>State is rebuilt on open and after truncation from the latest usable snapshot plus a replay of the log
 * after it ({@link #truncateAndReload}). Snapshots are {@code <20-digit offset>.snapshot} files in the
 * partition directory, format in {@link ProducerSnapshotFile}; one that fails its CRC or format check is logged,
 * deleted and passed over for an older one. Producers whose last write is older than
 * {@code producer.id.expiration.ms} and that have no open transaction are dropped by
 * {@link #removeExpiredProducers} and when loading a snapshot.
 *
 * <p>Not thread-safe: the owning partition log calls it under its lock, and must hold that lock from
 * {@link #validateLeaderAppend} through the append and {@link #update} so no other append slips in between.
 */
public final class ProducerStateManager {
    /** Kafka's default producer.id.expiration.ms: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;
    /** Kafka's default producer.id.expiration.check.interval.ms: how often to call {@link #removeExpiredProducers}. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600_000L;
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final Path dir;
    private final long producerIdExpirationMs;
    private final Time time;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    private final NavigableMap<Long, Path> snapshots = new TreeMap<>();

    /**
     * A manager with no producers that knows the snapshot files in {@code partitionDir}; call
     * {@link #truncateAndReload} next to load state.
     */
    public ProducerStateManager(Path partitionDir, long producerIdExpirationMs, Time time) {
        this.dir = partitionDir;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.time = time;
        try (Stream<Path> files = Files.list(partitionDir)) {
            files.forEach(f -> ProducerSnapshotFile.offsetOf(f).ifPresent(offset -> snapshots.put(offset, f)));
        } catch (IOException e) {
            throw new KafkaStorageException("Could not list producer snapshots in " + partitionDir, e);
        }
    }

    /**
     * Checks a batch a client produced, before it is appended, without changing state. A retry of one of the
     * producer's remembered batches (same epoch and sequence range) is not appended again: its metadata is
     * returned so the caller answers with the original offsets and timestamp. An unknown producer id is accepted
     * with any sequence, since its state may have been lost to retention or expiration. An end-transaction
     * marker is only checked for its epoch.
     *
     * @return the batch this one duplicates, or empty if it should be appended
     * @throws InvalidProducerEpochException if the batch's epoch is older than the producer's
     * @throws OutOfOrderSequenceException   if a new epoch does not start at sequence 0, or within the epoch the
     *                                       batch does not start right after the last sequence (wrapping at
     *                                       {@link Integer#MAX_VALUE} to 0)
     */
    public Optional<BatchMetadata> validateLeaderAppend(RecordBatch batch) {
        return validateLeaderAppend(List.of(batch));
    }

    /**
     * Checks the batches of one leader append, in order, as {@link #validateLeaderAppend(RecordBatch)} checks one,
     * without changing state. As in Kafka, duplicates are looked for among the batches already applied, while each
     * batch's epoch and sequence are checked against the state the append's earlier batches would leave, so a
     * producer may send consecutive batches together. A duplicate or an exception means nothing of the append may
     * be written.
     *
     * @return the first batch found to be a duplicate, or empty if all should be appended
     */
    public Optional<BatchMetadata> validateLeaderAppend(List<RecordBatch> batches) {
        Map<Long, ProducerEntry> pending = new HashMap<>();
        for (RecordBatch batch : batches) {
            if (!hasProducerId(batch)) {
                continue;
            }
            long producerId = batch.producerId();
            ProducerEntry applied = producers.get(producerId);
            int lastSeq = BatchMetadata.addToSequence(batch.baseSequence(), batch.lastOffsetDelta());
            Optional<BatchMetadata> duplicate = applied == null ? Optional.empty()
                    : applied.findDuplicate(batch.producerEpoch(), batch.baseSequence(), lastSeq);
            if (duplicate.isPresent()) {
                return duplicate;
            }
            ProducerEntry current = pending.getOrDefault(producerId, applied);
            if (current != null) {
                checkEpochAndSequence(current, batch);
            }
            pending.put(producerId, after(current == null ? ProducerEntry.empty(producerId) : current, batch));
        }
        return Optional.empty();
    }

    private static void checkEpochAndSequence(ProducerEntry current, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        if (epoch < current.epoch()) {
            throw new InvalidProducerEpochException("Producer " + batch.producerId() + " has epoch " + epoch
                    + ", older than the latest epoch " + current.epoch() + " on this partition");
        }
        if (!batch.isControl()) {
            int expected = epoch == current.epoch() ? BatchMetadata.addToSequence(current.lastSeq(), 1) : 0;
            if (batch.baseSequence() != expected) {
                throw new OutOfOrderSequenceException("Producer " + batch.producerId() + " epoch " + epoch
                        + " sent sequence " + batch.baseSequence() + " where " + expected + " was expected");
            }
        }
    }

    /**
     * Applies an appended batch, whose offsets are assigned, without validation: a data batch becomes the
     * producer's latest (a new epoch forgets the older epoch's batches; a transactional one opens a transaction),
     * an end-transaction marker closes the open transaction and records the coordinator epoch.
     */
    public void update(RecordBatch batch) {
        if (hasProducerId(batch)) {
            ProducerEntry current = producers.getOrDefault(batch.producerId(), ProducerEntry.empty(batch.producerId()));
            ProducerEntry next = after(current, batch);
            if (next != current) {
                producers.put(batch.producerId(), next);
            }
        }
    }

    /** The producer's entry after {@code batch}; a marker without a record changes nothing. */
    private static ProducerEntry after(ProducerEntry current, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        if (!batch.isControl()) {
            return current.withBatch(epoch, BatchMetadata.of(batch), batch.isTransactional());
        }
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return current;
        }
        Record record = records.next();
        int coordinatorEpoch = EndTransactionMarker.decode(record).coordinatorEpoch();
        return current.withTransactionEnd(epoch, coordinatorEpoch, record.timestamp());
    }

    private static boolean hasProducerId(RecordBatch batch) {
        return batch.producerId() >= 0;
    }

    public Optional<ProducerEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** An immutable copy of every producer's entry. */
    public Map<Long, ProducerEntry> activeProducers() {
        return Map.copyOf(producers);
    }

    /**
     * Writes the current state as the snapshot at {@code offset}, which must be the offset after the last batch
     * applied: the log end offset, e.g. the base offset of a segment being rolled to, or at close.
     */
    public void takeSnapshot(long offset) {
        takeSnapshot(offset, true);
    }

    /**
     * Like {@link #takeSnapshot(long)}, but without {@code durable} the fsync is left to the caller (via
     * {@link #syncSnapshot}), as on a segment roll where it runs with the background flush. A snapshot lost
     * or damaged by a crash before then fails its CRC on load and an older one is used.
     *
     * @return the snapshot file
     */
    public Path takeSnapshot(long offset, boolean durable) {
        Path file = ProducerSnapshotFile.path(dir, offset);
        try {
            ProducerSnapshotFile.write(file, producers.values(), durable);
        } catch (IOException e) {
            throw new KafkaStorageException("Could not write producer snapshot " + file, e);
        }
        snapshots.put(offset, file);
        return file;
    }

    /** Fsyncs a snapshot taken without {@code durable}; one deleted meanwhile (by a truncation) is skipped. */
    public static void syncSnapshot(Path file) throws IOException {
        try {
            AtomicFiles.sync(file);
        } catch (java.nio.file.NoSuchFileException deleted) {
            // truncated away before the flush ran: nothing left to make durable
        }
    }

    public OptionalLong latestSnapshotOffset() {
        return snapshots.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshots.lastKey());
    }

    /** Deletes the snapshots at offsets below {@code offset}, e.g. those of segments deleted by retention. */
    public void deleteSnapshotsBelow(long offset) {
        for (long snapshot : List.copyOf(snapshots.headMap(offset).keySet())) {
            deleteSnapshot(snapshot);
        }
    }

    /**
     * Rebuilds state for a log that now spans [{@code logStartOffset}, {@code logEndOffset}): on open, after
     * truncation, and after a full truncation (both offsets the new start). Snapshots above the log end are
     * deleted, and so are those at or below the log start (the log may have been truncated fully to start there,
     * so such a snapshot is not trusted). State is then the latest remaining snapshot that reads back intact.
     *
     * @return the offset from which the caller must replay the log's batches through {@link #update}: the
     *         snapshot's offset, or {@code logStartOffset} if no snapshot was usable
     */
    public long truncateAndReload(long logStartOffset, long logEndOffset) {
        for (long snapshot : List.copyOf(snapshots.keySet())) {
            if (snapshot > logEndOffset || snapshot <= logStartOffset) {
                deleteSnapshot(snapshot);
            }
        }
        producers.clear();
        while (!snapshots.isEmpty()) {
            Map.Entry<Long, Path> latest = snapshots.lastEntry();
            try {
                long now = time.milliseconds();
                for (ProducerEntry entry : ProducerSnapshotFile.read(latest.getValue())) {
                    if (!isExpired(entry, now)) {
                        producers.put(entry.producerId(), entry);
                    }
                }
                return latest.getKey();
            } catch (ProducerSnapshotFile.CorruptSnapshotException e) {
                log.warn("Deleting corrupt producer snapshot {}: {}", latest.getValue(), e.getMessage());
                deleteSnapshot(latest.getKey());
            } catch (IOException e) {
                throw new KafkaStorageException("Could not read producer snapshot " + latest.getValue(), e);
            }
        }
        return logStartOffset;
    }

    /** Drops producers idle for {@code producer.id.expiration.ms} without an open transaction; call periodically. */
    public void removeExpiredProducers() {
        long now = time.milliseconds();
        producers.values().removeIf(entry -> isExpired(entry, now));
    }

    private boolean isExpired(ProducerEntry entry, long now) {
        return entry.currentTxnFirstOffset().isEmpty() && now - entry.lastTimestamp() >= producerIdExpirationMs;
    }

    private void deleteSnapshot(long offset) {
        Path file = snapshots.remove(offset);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new KafkaStorageException("Could not delete producer snapshot " + file, e);
        }
    }
}
