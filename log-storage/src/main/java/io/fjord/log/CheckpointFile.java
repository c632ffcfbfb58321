package io.fjord.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A list of entries in Kafka's text checkpoint format, UTF-8, one item per line ending in {@code \n}:
 * <pre>
 * 0            version
 * 2            number of entries
 * foo 0 1234   one entry per line, as its {@link EntryFormat} writes it
 * bar 3 17
 * </pre>
 * Writes replace the file atomically through {@code <name>.tmp} (see {@link AtomicFiles}); a leftover
 * {@code .tmp} from a crash is never read. Reads are strict: a missing or empty file (Kafka creates empty ones)
 * is an empty list, anything else that deviates from the format is a {@link CorruptCheckpointException} naming
 * the file and line, never a partial result. I/O failures are {@link KafkaStorageException}s. Thread-safe.
 */
public final class CheckpointFile<T> implements Checkpoint<T> {
    private static final int VERSION = 0;
    private static final int HEADER_LINES = 2;

    /** Converts one entry to and from its line. */
    public interface EntryFormat<T> {
        String format(T entry);

        /** @throws IllegalArgumentException whose message says what is wrong with the line */
        T parse(String line);
    }

    private final Path file;
    private final EntryFormat<T> format;

    public CheckpointFile(Path file, EntryFormat<T> format) {
        this.file = file;
        this.format = format;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized List<T> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new KafkaStorageException("Could not read checkpoint file " + file, e);
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        int version = number(lines, 1, "version");
        if (version != VERSION) {
            throw new CorruptCheckpointException(file, 1, "unsupported version " + version + ", expected " + VERSION);
        }
        int count = number(lines, 2, "entry count");
        int present = lines.size() - HEADER_LINES;
        if (present < count) {
            throw new CorruptCheckpointException(file, lines.size() + 1, "file ends after " + present + " of " + count + " entries");
        }
        if (present > count) {
            throw new CorruptCheckpointException(file, lineOfEntry(count), "more lines than the " + count + " entries declared");
        }
        List<T> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String line = lines.get(HEADER_LINES + i);
            try {
                entries.add(format.parse(line));
            } catch (IllegalArgumentException e) {
                throw new CorruptCheckpointException(file, lineOfEntry(i), "'" + line + "': " + e.getMessage());
            }
        }
        return entries;
    }

    /** The 1-based line of the entry at {@code index} of {@link #read()}'s result. */
    static int lineOfEntry(int index) {
        return HEADER_LINES + index + 1;
    }

    private int number(List<String> lines, int lineNumber, String what) {
        if (lines.size() < lineNumber) {
            throw new CorruptCheckpointException(file, lineNumber, "missing " + what);
        }
        String line = lines.get(lineNumber - 1);
        int n;
        try {
            n = Integer.parseInt(line);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw new CorruptCheckpointException(file, lineNumber, "'" + line + "' is not a valid " + what);
        }
        return n;
    }

    @Override
    public synchronized void write(Collection<? extends T> entries) {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(format.format(entry)).append('\n');
        }
        try {
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KafkaStorageException("Could not write checkpoint file " + file, e);
        }
    }
}
