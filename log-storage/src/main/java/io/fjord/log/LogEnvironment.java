package io.fjord.log;

/**
 * What every partition log of a broker shares: the clock, the scheduler for deferred file deletion and
 * flushes, the channel factory for .log files and the listener for I/O failures. Immutable.
 */
public record LogEnvironment(Time time, Scheduler scheduler, FileChannelFactory channels, LogDirFailureListener failures) {

    public LogEnvironment(Time time, Scheduler scheduler) {
        this(time, scheduler, FileChannelFactory.DEFAULT, LogDirFailureListener.IGNORE);
    }
}
