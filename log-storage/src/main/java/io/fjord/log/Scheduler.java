package io.fjord.log;

/**
 * Runs background work of the log layer (segment deletion, retention, flushes, snapshots) later or
 * periodically. {@link ThreadScheduler} uses daemon threads; {@link MockScheduler} runs tasks when a
 * {@link MockTime} passes their due time, so tests need no sleeps. Thread-safe.
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} once after {@code delayMs}. */
    void scheduleOnce(String name, Runnable task, long delayMs);

    /** Runs {@code task} every {@code periodMs}, first after {@code delayMs}. */
    void schedule(String name, Runnable task, long delayMs, long periodMs);

    @Override
    void close();
}
