package io.fjord.replication;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An operation that waits in a {@link DelayedOperationPurgatory} until it can complete or its delay passes, e.g.
 * a fetch waiting for min.bytes or max.wait.ms. Subclasses say when they can complete ({@link #tryComplete},
 * which calls {@link #forceComplete} when it can) and what completing does ({@link #onComplete}).
 *
 * <p>Invariants: {@link #onComplete} runs exactly once, whichever of tryComplete, expiry or an explicit
 * forceComplete gets there first; {@link #onExpiration} runs after it only when the delay passed first.
 * tryComplete calls on one operation never overlap (a lock per operation), so it needs no locking of its
 * own. Thread-safety: thread-safe; onComplete should hand slow work to another thread, since it runs on
 * whichever thread completed the operation (an appender, the timer).
 */
public abstract class DelayedOperation {
    private final long delayMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Timer.Cancellable expiry;
    private volatile Runnable unwatch = () -> { };

    protected DelayedOperation(long delayMs) {
        this.delayMs = delayMs;
    }

    public long delayMs() {
        return delayMs;
    }

    /**
     * Checks whether the operation can complete now; if so it calls {@link #forceComplete} and returns what that
     * returned, otherwise false.
     */
    protected abstract boolean tryComplete();

    /** Completes the operation: called once, by {@link #forceComplete}. */
    protected abstract void onComplete();

    /** Called after {@link #onComplete} when the delay passed before the operation could complete. */
    protected void onExpiration() {
    }

    /** Completes the operation unless it already completed; true if this call completed it. */
    public final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Timer.Cancellable e = expiry;
        if (e != null) {
            e.cancel();
        }
        try {
            onComplete();
        } finally {
            unwatch.run();
        }
        return true;
    }

    /** What completing must also do: leave every watch list of the purgatory it waits in. */
    final void unwatchOnCompletion(Runnable action) {
        unwatch = action;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    /** tryComplete under the operation's lock, unless already completed. */
    final boolean safeTryComplete() {
        lock.lock();
        try {
            return !isCompleted() && tryComplete();
        } finally {
            lock.unlock();
        }
    }

    /** Completes the operation as expired; true if the delay passed first. */
    final boolean expire() {
        if (forceComplete()) {
            onExpiration();
            return true;
        }
        return false;
    }

    final void expiry(Timer.Cancellable expiry) {
        this.expiry = expiry;
        if (isCompleted()) {
            expiry.cancel();
        }
    }
}
