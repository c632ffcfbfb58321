package io.fjord.log;

/**
 * What every partition log of a broker shares: the clock, the scheduler for deferred file deletion and
 * flushes, the channel factory for .log files, the listener for I/O failures and producer.id.expiration.ms
 * (how long an idle idempotent producer's state is kept). Immutable.
 */
public record LogEnvironment(Time time, Scheduler scheduler, FileChannelFactory channels, LogDirFailureListener failures,
                             long producerIdExpirationMs) {

    public LogEnvironment(Time time, Scheduler scheduler, FileChannelFactory channels, LogDirFailureListener failures) {
        this(time, scheduler, channels, failures, ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    public LogEnvironment(Time time, Scheduler scheduler) {
        this(time, scheduler, FileChannelFactory.DEFAULT, LogDirFailureListener.IGNORE);
    }
}
