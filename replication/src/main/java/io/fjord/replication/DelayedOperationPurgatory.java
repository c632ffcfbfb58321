package io.fjord.replication;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link DelayedOperation}s wait: each is watched under one or more keys (e.g. the partitions a fetch
 * reads) and checked again when something happens to a key ({@link #checkAndComplete}, e.g. an append), and
 * expires after its delay on the {@link Timer}. Nothing polls: an operation is only looked at when it is
 * added, when one of its keys is touched, and when it expires.
 *
 * <p>Invariants: an operation that completes (by a check of any of its keys, expiry or an outside
 * forceComplete) is removed at once from the watch lists of every key it was added under, so an idle key never
 * holds a completed operation; a key with no watcher has no entry. An operation added while an event
 * for its key is being checked is never missed: it is checked once more after it is watched.
 *
 * <p>Thread-safety: thread-safe; every method may be called from any thread.
 *
 * @param <K> the key type, with equals/hashCode
 */
public final class DelayedOperationPurgatory<K> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedOperationPurgatory.class);

    private final String name;
    private final Timer timer;
    private final ConcurrentHashMap<K, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A purgatory that expires operations on {@code timer}, which it closes on {@link #close}. */
    public DelayedOperationPurgatory(String name, Timer timer) {
        this.name = name;
        this.timer = timer;
    }

    /**
     * Completes {@code operation} now if it can; otherwise watches it under {@code keys} until a check of one of
     * them completes it or its delay passes. True if it completed during this call.
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys) {
        if (operation.safeTryComplete()) {
            return true;
        }
        if (closed) {
            operation.forceComplete();
            return true;
        }
        operation.unwatchOnCompletion(() -> unwatch(operation, keys));
        for (K key : keys) {
            watchers.compute(key, (k, set) -> {
                Set<DelayedOperation> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(operation);
                return s;
            });
        }
        if (operation.safeTryComplete()) {
            unwatch(operation, keys);
            return true;
        }
        operation.expiry(timer.schedule(() -> {
            try {
                operation.expire();
            } catch (RuntimeException e) {
                LOG.error("{}: an expired operation failed to complete", name, e);
                unwatch(operation, keys);
            }
        }, operation.delayMs()));
        if (operation.isCompleted()) {
            unwatch(operation, keys);
        }
        return operation.isCompleted();
    }

    /**
     * Checks the operations watched under {@code key}, completing those that can complete now and dropping those
     * already completed; returns how many this call completed.
     */
    public int checkAndComplete(K key) {
        Set<DelayedOperation> set = watchers.get(key);
        if (set == null) {
            return 0;
        }
        int done = 0;
        for (DelayedOperation operation : set) {
            boolean completedHere = false;
            try {
                completedHere = operation.safeTryComplete();
            } catch (RuntimeException e) {
                LOG.error("{}: checking an operation watched under {} failed", name, key, e);
                completedHere = operation.forceComplete();
            }
            if (completedHere) {
                done++;
            }
            if (operation.isCompleted()) {
                set.remove(operation);
            }
        }
        dropIfEmpty(key);
        return done;
    }

    /** How many operations are watched under {@code key}. */
    public int watched(K key) {
        Set<DelayedOperation> set = watchers.get(key);
        return set == null ? 0 : set.size();
    }

    /** How many keys have watchers. */
    public int watchedKeys() {
        return watchers.size();
    }

    private void unwatch(DelayedOperation operation, Collection<K> keys) {
        for (K key : keys) {
            Set<DelayedOperation> set = watchers.get(key);
            if (set != null) {
                set.remove(operation);
                dropIfEmpty(key);
            }
        }
    }

    private void dropIfEmpty(K key) {
        watchers.computeIfPresent(key, (k, set) -> set.isEmpty() ? null : set);
    }

    /** Completes every watched operation (they answer at once) and stops the timer. */
    @Override
    public void close() {
        closed = true;
        List<DelayedOperation> all = new ArrayList<>();
        for (Set<DelayedOperation> set : watchers.values()) {
            all.addAll(set);
        }
        watchers.clear();
        for (DelayedOperation operation : all) {
            try {
                operation.forceComplete();
            } catch (RuntimeException e) {
                LOG.warn("{}: completing an operation at shutdown failed", name, e);
            }
        }
        timer.close();
    }
}
