package io.fjord.replication;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay, cancellably: the purgatory's expiry clock. {@link #system} uses one daemon
 * thread; tests use a manual timer they advance by hand, so no test sleeps. Thread-safe.
 */
public interface Timer extends AutoCloseable {

    /** A scheduled task; cancelling one that ran or was cancelled does nothing. */
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} once, {@code delayMs} from now, on the timer's thread. */
    Cancellable schedule(Runnable task, long delayMs);

    /** Stops the timer; tasks not yet run never run. */
    @Override
    void close();

    /** A timer on one daemon thread named {@code threadName}; cancelled tasks are dropped at once. */
    static Timer system(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return new Timer() {
            @Override
            public Cancellable schedule(Runnable task, long delayMs) {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }
}
