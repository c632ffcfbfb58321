package io.fjord.log;

import java.nio.file.Path;

/** A checkpoint file that does not follow its format; names the file and the 1-based line at fault. */
public class CorruptCheckpointException extends KafkaStorageException {
    private final Path file;
    private final int line;

    public CorruptCheckpointException(Path file, int line, String problem) {
        super("Malformed checkpoint file " + file + " at line " + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }
}
