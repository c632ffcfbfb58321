package io.fjord.coordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator writes: partition {@code partition} of {@code __consumer_offsets}, through the same
 * partition/log path as user data. The broker implements it over the partition leader's log; tests use memory.
 * Thread-safety: implementations accept calls from any thread and keep the order of calls per partition.
 */
public interface CoordinatorLog {

    /**
     * Appends {@code records} as one batch. The future completes once the batch is committed (the high watermark
     * passed it), or exceptionally with an {@link io.fjord.protocol.ApiException} whose error the caller returns
     * (NOT_COORDINATOR when this node no longer leads the partition, KAFKA_STORAGE_ERROR, ...).
     */
    CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records);
}
