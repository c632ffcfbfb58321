package io.fjord.log.compaction;

import io.fjord.log.LoadState;
import io.fjord.log.LogConfig;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.log.compaction.TestBatches.View;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.CleanerTestLogs.fileNames;
import static io.fjord.log.compaction.CleanerTestLogs.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A broker stopped in the middle of a cleaner's swap leaves files that the log settles when it opens, as Kafka's
 * does: the swap completes once the cleaned segment was renamed {@code .swap}, and is undone before that. The
 * on-disk states are built by hand from a log before cleaning and the same log after it, whose segments 0, 2 and 4
 * (of 0, 2, 4, 5) become one cleaned segment 0.
 */
class LogCleanerCrashTest {
    private static final LogConfig CONFIG = compacted();
    private static final String BASE_0 = "00000000000000000000";
    private static final List<String> SEGMENT_FILES = List.of(".log", ".index", ".timeindex");

    @TempDir
    Path root;
    private final CleanerTestLogs logs = new CleanerTestLogs();
    private Path pristine;
    private Path cleaned;
    private Path crashed;

    @BeforeEach
    void writeLogBeforeAndAfterCleaning() throws IOException {
        pristine = root.resolve("pristine/topic-0");
        PartitionLog log = logs.open(pristine, CONFIG);
        logs.appendEach(log, "k1", "a", "k2", "a");
        log.roll();
        logs.appendEach(log, "k1", "b", "k3", "b");
        log.roll();
        logs.appendEach(log, "k2", "c");
        log.roll();
        logs.appendEach(log, "k1", "d");
        log.close();

        cleaned = root.resolve("cleaned/topic-0");
        copy(pristine, cleaned);
        PartitionLog toClean = logs.open(cleaned, CONFIG);
        try (LogCleaner cleaner = CleanerTestLogs.cleaner(logs.time, 1 << 16)) {
            cleaner.addLog(CleanableLog.of(new TopicPartition("topic", 0), toClean));
            cleaner.cleanOnce();
        }
        toClean.close();

        crashed = root.resolve("crashed/topic-0");
        copy(pristine, crashed);
    }

    @AfterEach
    void close() {
        logs.close();
    }

    private List<View> recordsOfLogIn(Path dir) {
        return records(logs.open(dir, CONFIG, new LoadState(false, 0, 0)));
    }

    @Test
    void aSwapInterruptedAfterTheSwapRenameCompletesOnReopen() throws IOException {
        // given
        copyCleanedSegment(".swap");

        // when
        List<View> recovered = recordsOfLogIn(crashed);

        // then
        assertEquals(recordsOfLogIn(cleaned), recovered);
        assertEquals(fileNames(cleaned), fileNames(crashed));
        assertNotEquals(recordsOfLogIn(pristine), recovered);
    }

    @Test
    void aSwapInterruptedWhileTheReplacedSegmentsWereBeingDeletedCompletesOnReopen() throws IOException {
        // given
        copyCleanedSegment(".swap");
        markDeleted(0);
        markDeleted(2);

        // when
        List<View> recovered = recordsOfLogIn(crashed);

        // then
        assertEquals(recordsOfLogIn(cleaned), recovered);
        assertEquals(fileNames(cleaned), fileNames(crashed));
    }

    @Test
    void aSwapInterruptedWhileDroppingTheSwapSuffixCompletesOnReopen() throws IOException {
        // given: the replaced segments are marked deleted, the cleaned log file has its final name, its indexes not yet
        markDeleted(0);
        markDeleted(2);
        markDeleted(4);
        copyCleanedSegment(".swap");
        Files.move(crashed.resolve(BASE_0 + ".log.swap"), crashed.resolve(BASE_0 + ".log"));

        // when
        List<View> recovered = recordsOfLogIn(crashed);

        // then
        assertEquals(recordsOfLogIn(cleaned), recovered);
        assertEquals(fileNames(cleaned), fileNames(crashed));
    }

    @Test
    void aCleaningInterruptedBeforeTheSwapLeavesTheLogAsItWas() throws IOException {
        // given
        copyCleanedSegment(".cleaned");

        // when
        List<View> recovered = recordsOfLogIn(crashed);

        // then
        assertEquals(recordsOfLogIn(pristine), recovered);
        assertEquals(fileNames(pristine), fileNames(crashed));
    }

    @Test
    void aSwapFileAtOrAboveACleanedFileBelongsToAnUnfinishedSwapAndGoes() throws IOException {
        // given: the log file was renamed .swap, its indexes were not yet
        copyCleanedSegment(".cleaned");
        Files.move(crashed.resolve(BASE_0 + ".log.cleaned"), crashed.resolve(BASE_0 + ".log.swap"));

        // when
        List<View> recovered = recordsOfLogIn(crashed);

        // then
        assertEquals(recordsOfLogIn(pristine), recovered);
        assertEquals(fileNames(pristine), fileNames(crashed));
    }

    private void copyCleanedSegment(String suffix) throws IOException {
        for (String file : SEGMENT_FILES) {
            Files.copy(cleaned.resolve(BASE_0 + file), crashed.resolve(BASE_0 + file + suffix));
        }
    }

    private void markDeleted(long baseOffset) throws IOException {
        for (String file : SEGMENT_FILES) {
            String name = String.format("%020d%s", baseOffset, file);
            Files.move(crashed.resolve(name), crashed.resolve(name + ".deleted"));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
