package io.fjord.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One producer id's state on a partition. Immutable: appends produce a new entry.
 *
 * @param producerId            the producer id, never -1
 * @param epoch                 the latest producer epoch seen; {@link #NO_EPOCH} before any batch
 * @param batches               the last up to {@value #BATCHES_RETAINED} batches of {@code epoch}, oldest first;
 *                              a new epoch starts an empty list
 * @param coordinatorEpoch      the transaction coordinator epoch of the last end-transaction marker, -1 if none
 * @param currentTxnFirstOffset the first offset of the producer's open transaction, if one is open
 * @param lastTimestamp         the max timestamp of the last batch or marker; producer id expiration counts from it
 */
public record ProducerEntry(long producerId, short epoch, List<BatchMetadata> batches, int coordinatorEpoch,
                            OptionalLong currentTxnFirstOffset, long lastTimestamp) {
    /** How many batches are remembered for duplicate detection: a producer has at most 5 in flight per partition. */
    public static final int BATCHES_RETAINED = 5;
    public static final short NO_EPOCH = -1;

    public ProducerEntry {
        batches = List.copyOf(batches);
        if (batches.size() > BATCHES_RETAINED) {
            throw new IllegalArgumentException(batches.size() + " batches exceed the " + BATCHES_RETAINED + " retained");
        }
    }

    static ProducerEntry empty(long producerId) {
        return new ProducerEntry(producerId, NO_EPOCH, List.of(), -1, OptionalLong.empty(), -1L);
    }

    /** The sequence number of the last remembered record, -1 if no batch of the current epoch is remembered. */
    public int lastSeq() {
        return batches.isEmpty() ? -1 : batches.get(batches.size() - 1).lastSeq();
    }

    /** The remembered batch of {@code epoch} with exactly this sequence range, which a retry would repeat. */
    public Optional<BatchMetadata> findDuplicate(short epoch, int firstSeq, int lastSeq) {
        if (epoch != this.epoch) {
            return Optional.empty();
        }
        return batches.stream().filter(b -> b.firstSeq() == firstSeq && b.lastSeq() == lastSeq).findFirst();
    }

    /** This entry after a data batch of {@code epoch}; a transactional one opens a transaction if none is open. */
    ProducerEntry withBatch(short epoch, BatchMetadata batch, boolean transactional) {
        List<BatchMetadata> next = new ArrayList<>(epoch == this.epoch ? batches : List.of());
        if (next.size() == BATCHES_RETAINED) {
            next.remove(0);
        }
        next.add(batch);
        OptionalLong txn = transactional && currentTxnFirstOffset.isEmpty() ? OptionalLong.of(batch.firstOffset()) : currentTxnFirstOffset;
        return new ProducerEntry(producerId, epoch, next, coordinatorEpoch, txn, batch.maxTimestamp());
    }

    /** This entry after an end-transaction marker of {@code epoch} written at {@code timestamp}. */
    ProducerEntry withTransactionEnd(short epoch, int coordinatorEpoch, long timestamp) {
        return new ProducerEntry(producerId, epoch, epoch == this.epoch ? batches : List.of(), coordinatorEpoch,
                OptionalLong.empty(), timestamp);
    }
}
