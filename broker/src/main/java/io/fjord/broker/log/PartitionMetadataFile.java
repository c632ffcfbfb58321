package io.fjord.broker.log;

import io.fjord.protocol.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The {@code partition.metadata} file in a partition's log dir, which ties the log to its topic id as Kafka's
 * does, so a log left behind by a deleted topic is recognised when a topic of the same name (a new id) exists.
 *
 * <p>On-disk format (Kafka's, version 0), two lines:
 * <pre>
 * version: 0
 * topic_id: &lt;the topic id, URL-safe base64 without padding&gt;
 * </pre>
 * Written to a temp file, fsynced and renamed into place. Stateless; safe from any thread for different dirs.
 */
public final class PartitionMetadataFile {
    public static final String FILE_NAME = "partition.metadata";
    private static final String VERSION_PREFIX = "version: ";
    private static final String TOPIC_ID_PREFIX = "topic_id: ";
    private static final int VERSION = 0;

    private PartitionMetadataFile() {
    }

    /**
     * The topic id stored in {@code partitionDir}; empty if there is no file.
     *
     * @throws IllegalStateException if the file exists but is not a version 0 partition.metadata file
     */
    public static Optional<Uuid> read(Path partitionDir) {
        Path file = partitionDir.resolve(FILE_NAME);
        List<String> lines;
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        if (lines.size() < 2 || !lines.get(0).equals(VERSION_PREFIX + VERSION) || !lines.get(1).startsWith(TOPIC_ID_PREFIX)) {
            throw new IllegalStateException("Malformed " + file + ": " + lines);
        }
        try {
            return Optional.of(Uuid.fromString(lines.get(1).substring(TOPIC_ID_PREFIX.length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Malformed topic id in " + file + ": " + lines.get(1), e);
        }
    }

    /** Stores {@code topicId} in {@code partitionDir}, replacing any earlier file atomically. */
    public static void write(Path partitionDir, Uuid topicId) {
        Path file = partitionDir.resolve(FILE_NAME);
        Path tmp = partitionDir.resolve(FILE_NAME + ".tmp");
        byte[] content = (VERSION_PREFIX + VERSION + "\n" + TOPIC_ID_PREFIX + topicId + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
