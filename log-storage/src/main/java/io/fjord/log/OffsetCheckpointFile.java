package io.fjord.log;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An offset per partition, kept in a log directory in Kafka's checkpoint format ({@link CheckpointFile}), each
 * entry {@code topic partition offset} separated by single spaces (topic names contain none), e.g.
 * {@code orders 3 1042}. Entries are written sorted by topic, then partition. A partition listed twice, a
 * negative partition or offset, or a line without exactly three fields is a {@link CorruptCheckpointException}.
 * Thread-safe.
 */
public final class OffsetCheckpointFile {
    /** Per partition, the offset below which the log is known to be flushed; recovery starts there. */
    public static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    /** Per partition, its log start offset where it lies inside the first segment (after DeleteRecords or retention). */
    public static final String LOG_START_OFFSET_FILE = "log-start-offset-checkpoint";

    private static final Comparator<Map.Entry<TopicPartition, Long>> ORDER = Comparator
            .comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
            .thenComparingInt(e -> e.getKey().partition());

    private static final CheckpointFile.EntryFormat<Map.Entry<TopicPartition, Long>> FORMAT = new CheckpointFile.EntryFormat<>() {
        @Override
        public String format(Map.Entry<TopicPartition, Long> entry) {
            return entry.getKey().topic() + " " + entry.getKey().partition() + " " + entry.getValue();
        }

        @Override
        public Map.Entry<TopicPartition, Long> parse(String line) {
            String[] fields = line.split(" ", -1);
            if (fields.length != 3 || fields[0].isEmpty()) {
                throw new IllegalArgumentException("expected 'topic partition offset'");
            }
            int partition = Integer.parseInt(fields[1]);
            long offset = Long.parseLong(fields[2]);
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException("partition and offset must not be negative");
            }
            return Map.entry(new TopicPartition(fields[0], partition), offset);
        }
    };

    private final CheckpointFile<Map.Entry<TopicPartition, Long>> file;

    public OffsetCheckpointFile(Path file) {
        this.file = new CheckpointFile<>(file, FORMAT);
    }

    public static OffsetCheckpointFile recoveryPoints(Path logDir) {
        return new OffsetCheckpointFile(logDir.resolve(RECOVERY_POINT_FILE));
    }

    public static OffsetCheckpointFile logStartOffsets(Path logDir) {
        return new OffsetCheckpointFile(logDir.resolve(LOG_START_OFFSET_FILE));
    }

    public Path file() {
        return file.file();
    }

    /** The offsets, in file order; empty if the file is missing or empty. */
    public Map<TopicPartition, Long> read() {
        List<Map.Entry<TopicPartition, Long>> entries = file.read();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            TopicPartition partition = entries.get(i).getKey();
            if (offsets.put(partition, entries.get(i).getValue()) != null) {
                throw new CorruptCheckpointException(file.file(), CheckpointFile.lineOfEntry(i), partition + " is listed twice");
            }
        }
        return offsets;
    }

    /** Replaces the file's content with {@code offsets}, atomically. */
    public void write(Map<TopicPartition, Long> offsets) {
        file.write(offsets.entrySet().stream().sorted(ORDER).toList());
    }
}
