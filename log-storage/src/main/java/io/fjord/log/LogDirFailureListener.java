package io.fjord.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Told about every I/O error inside a log directory, before the operation fails with
 * {@link KafkaStorageException}; the log manager takes the directory offline. Must be thread-safe and quick.
 */
@FunctionalInterface
public interface LogDirFailureListener {
    LogDirFailureListener IGNORE = (logDir, cause) -> { };

    void onFailure(Path logDir, IOException cause);
}
