package io.fjord.coordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator writes: partition {@code partition} of {@code __consumer_offsets}, through the same
 * partition/log path as user data. The broker implements it over the partition leader's log; tests use memory.
 * Thread-safety: implementations accept calls from any thread and keep the order of calls per partition.
 * Ordering: for one partition, batches are written in the order of the {@code append} calls, and their futures
 * complete in that same order (a later batch's future never completes before an earlier one's); the coordinator
 * relies on it, e.g. a commit in flight is applied before the tombstones of a later DeleteGroups.
 */
public interface CoordinatorLog {

    /**
     * Appends {@code records} as one batch. Never blocks: it is called under the coordinator's monitor, often from a
     * network thread, so it only hands the batch off (the disk append runs elsewhere) and returns the future; the
     * future may also be completed inline. The future completes once the batch is committed (the high watermark
     * passed it), or exceptionally with an {@link io.fjord.protocol.ApiException} whose error the caller returns
     * (NOT_COORDINATOR when this node no longer leads the partition, KAFKA_STORAGE_ERROR, ...).
     */
    CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records);
}
