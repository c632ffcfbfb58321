package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFileTest {
    @TempDir
    Path dir;

    @Test
    void offsetCheckpointRoundTripsInKafkasTextFormatSortedByPartition() throws IOException {
        OffsetCheckpointFile checkpoint = OffsetCheckpointFile.recoveryPoints(dir);
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("orders", 10), 7L);
        offsets.put(new TopicPartition("audit.log", 0), 0L);
        offsets.put(new TopicPartition("orders", 2), 1042L);

        checkpoint.write(offsets);

        assertEquals("0\n3\naudit.log 0 0\norders 2 1042\norders 10 7\n",
                Files.readString(dir.resolve("recovery-point-offset-checkpoint")));
        assertEquals(offsets, checkpoint.read());
        assertFalse(Files.exists(dir.resolve("recovery-point-offset-checkpoint.tmp")));
    }

    @Test
    void leaderEpochCheckpointRoundTripsInKafkasTextFormat() throws IOException {
        CheckpointFile<EpochEntry> file = new CheckpointFile<>(dir.resolve(LeaderEpochCache.FILE_NAME), EpochEntry.FORMAT);
        List<EpochEntry> entries = List.of(new EpochEntry(0, 0), new EpochEntry(3, 120), new EpochEntry(4, 9_000_000_000L));

        file.write(entries);

        assertEquals("0\n3\n0 0\n3 120\n4 9000000000\n", Files.readString(file.file()));
        assertEquals(entries, file.read());
    }

    @Test
    void missingAndEmptyFilesReadAsNoEntries() throws IOException {
        OffsetCheckpointFile checkpoint = OffsetCheckpointFile.logStartOffsets(dir);
        assertEquals(Map.of(), checkpoint.read());

        Files.createFile(checkpoint.file());
        assertEquals(Map.of(), checkpoint.read());
    }

    @Test
    void rewritingReplacesTheWholeContent() {
        OffsetCheckpointFile checkpoint = OffsetCheckpointFile.recoveryPoints(dir);
        checkpoint.write(Map.of(new TopicPartition("a", 0), 5L, new TopicPartition("b", 0), 6L));

        checkpoint.write(Map.of(new TopicPartition("b", 0), 9L));

        assertEquals(Map.of(new TopicPartition("b", 0), 9L), checkpoint.read());
    }

    @Test
    void aTmpFileLeftByACrashedWriteIsIgnoredAndThenReplaced() throws IOException {
        OffsetCheckpointFile checkpoint = OffsetCheckpointFile.recoveryPoints(dir);
        checkpoint.write(Map.of(new TopicPartition("a", 0), 5L));
        Path tmp = dir.resolve("recovery-point-offset-checkpoint.tmp");
        Files.writeString(tmp, "0\n2\na 0 6\n");

        assertEquals(Map.of(new TopicPartition("a", 0), 5L), checkpoint.read());

        checkpoint.write(Map.of(new TopicPartition("a", 0), 7L));
        assertEquals(Map.of(new TopicPartition("a", 0), 7L), checkpoint.read());
        assertFalse(Files.exists(tmp));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown version             | 1\\n0\\n                  | 1",
        "version not a number        | x\\n0\\n                  | 1",
        "missing entry count         | 0\\n                      | 2",
        "negative entry count        | 0\\n-1\\n                 | 2",
        "fewer entries than declared | 0\\n2\\na 0 1\\n          | 4",
        "more entries than declared  | 0\\n1\\na 0 1\\nb 0 2\\n  | 4",
        "trailing blank line         | 0\\n1\\na 0 1\\n\\n       | 4",
        "too few fields              | 0\\n1\\na 0\\n            | 3",
        "too many fields             | 0\\n1\\na 0 1 2\\n        | 3",
        "double space                | 0\\n1\\na  0 1\\n         | 3",
        "offset not a number         | 0\\n1\\na 0 x\\n          | 3",
        "negative offset             | 0\\n1\\na 0 -5\\n         | 3",
        "negative partition          | 0\\n1\\na -1 5\\n         | 3",
        "partition listed twice      | 0\\n2\\na 0 1\\na 0 2\\n  | 4",
    })
    void malformedOffsetCheckpointsAreRejectedNamingFileAndLine(String problem, String content, int line) throws IOException {
        OffsetCheckpointFile checkpoint = OffsetCheckpointFile.recoveryPoints(dir);
        Files.writeString(checkpoint.file(), content.replace("\\n", "\n"), StandardCharsets.UTF_8);

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, checkpoint::read);

        assertEquals(line, e.line(), e.getMessage());
        assertEquals(checkpoint.file(), e.file());
        assertTrue(e.getMessage().contains(checkpoint.file().toString()) && e.getMessage().contains("line " + line), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0\\n1\\n-1 0\\n", "0\\n1\\n1 -3\\n", "0\\n1\\n1\\n", "0\\n1\\n1 2 3\\n"})
    void malformedLeaderEpochEntriesAreRejectedAtTheirLine(String content) throws IOException {
        CheckpointFile<EpochEntry> file = new CheckpointFile<>(dir.resolve(LeaderEpochCache.FILE_NAME), EpochEntry.FORMAT);
        Files.writeString(file.file(), content.replace("\\n", "\n"));

        assertEquals(3, assertThrows(CorruptCheckpointException.class, file::read).line());
    }

    @Test
    void corruptCheckpointsAreStorageErrors() {
        assertEquals(io.fjord.protocol.ErrorCode.KAFKA_STORAGE_ERROR,
                new CorruptCheckpointException(dir, 1, "bad").errorCode());
    }
}
