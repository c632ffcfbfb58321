package io.fjord.log;

import java.nio.file.Path;

/** A log directory is locked by another broker, in this process or another; the broker must not start on it. */
public class LogDirInUseException extends RuntimeException {
    public LogDirInUseException(Path logDir) {
        super("Failed to acquire the lock on " + logDir.resolve(LogDirectory.LOCK_FILE)
                + ": another broker in this or another process is using this log directory");
    }
}
