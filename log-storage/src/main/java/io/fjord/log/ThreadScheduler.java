package io.fjord.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Scheduler} on a small pool of daemon threads; a failing task is logged, never silently lost. */
public final class ThreadScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(ThreadScheduler.class);
    private final ScheduledThreadPoolExecutor executor;

    public ThreadScheduler(int threads, String prefix) {
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static Runnable logged(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("Background task {} failed", name, t);
            }
        };
    }

    @Override
    public void scheduleOnce(String name, Runnable task, long delayMs) {
        executor.schedule(logged(name, task), delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void schedule(String name, Runnable task, long delayMs, long periodMs) {
        executor.scheduleAtFixedRate(logged(name, task), delayMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
