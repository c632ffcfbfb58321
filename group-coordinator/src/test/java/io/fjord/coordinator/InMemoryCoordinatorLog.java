package io.fjord.coordinator;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link CoordinatorLog} in memory for tests: appended batches become "written" at once, or fail with a chosen
 * error, or wait until {@link #completeHeld()} / {@link #failHeld(ErrorCode)}. Only written batches are in the log,
 * so {@link #written(int)} is what a load would read back. Not thread-safe (tests drive it from one thread).
 */
final class InMemoryCoordinatorLog implements CoordinatorLog {
    record Batch(int partition, List<CoordinatorRecord> records, CompletableFuture<Void> future) {
    }

    private final List<Batch> written = new ArrayList<>();
    private final List<Batch> held = new ArrayList<>();
    private ErrorCode failWith;
    private boolean hold;
    int appends;

    void failWith(ErrorCode error) {
        this.failWith = error;
    }

    void hold(boolean hold) {
        this.hold = hold;
    }

    @Override
    public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
        appends++;
        Batch batch = new Batch(partition, List.copyOf(records), new CompletableFuture<>());
        if (failWith != null) {
            batch.future().completeExceptionally(new ApiException(failWith, "append failed"));
        } else if (hold) {
            held.add(batch);
        } else {
            written.add(batch);
            batch.future().complete(null);
        }
        return batch.future();
    }

    void completeHeld() {
        List<Batch> now = List.copyOf(held);
        held.clear();
        for (Batch b : now) {
            written.add(b);
            b.future().complete(null);
        }
    }

    void failHeld(ErrorCode error) {
        List<Batch> now = List.copyOf(held);
        held.clear();
        now.forEach(b -> b.future().completeExceptionally(new ApiException(error, "append failed")));
    }

    List<Batch> batches() {
        return List.copyOf(written);
    }

    List<CoordinatorRecord> written(int partition) {
        List<CoordinatorRecord> records = new ArrayList<>();
        written.stream().filter(b -> b.partition() == partition).forEach(b -> records.addAll(b.records()));
        return records;
    }

    List<CoordinatorRecord> all() {
        List<CoordinatorRecord> records = new ArrayList<>();
        written.forEach(b -> records.addAll(b.records()));
        return records;
    }
}
