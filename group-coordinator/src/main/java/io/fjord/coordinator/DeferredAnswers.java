package io.fjord.coordinator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs work under one monitor and completes the answers that work decided only after the monitor is left, so the
 * callbacks of whoever waits on an answer (a request handler writing its response) never run under the
 * coordinator's lock and cannot deadlock with it. Completions run in the order they were queued, each on whichever
 * thread next leaves an outermost {@link #locked} call (a nested call, e.g. an append that completes inline, leaves
 * them to the outer one); so with several threads a returned answer may complete just after the call returns, and
 * callers must use callbacks rather than {@code isDone()}. Thread-safe: the queue is guarded by the monitor.
 */
final class DeferredAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredAnswers.class);

    private final Object monitor;
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    DeferredAnswers(Object monitor) {
        this.monitor = monitor;
    }

    /** Queues completing {@code future} with {@code value}; the caller holds the monitor. */
    <T> void complete(CompletableFuture<T> future, T value) {
        queued.add(() -> future.complete(value));
    }

    /** Runs {@code action} under the monitor, then the completions it queued, outside it. */
    <T> T locked(Supplier<T> action) {
        try {
            synchronized (monitor) {
                return action.get();
            }
        } finally {
            runQueued();
        }
    }

    void locked(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    private void runQueued() {
        if (Thread.holdsLock(monitor)) {
            return;
        }
        while (true) {
            Runnable completion;
            synchronized (monitor) {
                completion = queued.poll();
            }
            if (completion == null) {
                return;
            }
            try {
                completion.run();
            } catch (RuntimeException e) {
                LOG.error("A callback of a group coordinator answer failed", e);
            }
        }
    }
}
