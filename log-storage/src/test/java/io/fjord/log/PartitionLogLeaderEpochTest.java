package io.fjord.log;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The leader epoch cache of a partition log follows its appends, truncations and log start offset, is kept in
 * the leader-epoch-checkpoint file and answers OffsetsForLeaderEpoch. Every test starts from epochs 0 at
 * offset 0, 3 at 3 and 5 at 5, with the log end offset 6.
 */
class PartitionLogLeaderEpochTest {
    private static final LogConfig ONE_BATCH_SEGMENTS = TestBatches.config("segment.bytes", "100", "index.interval.bytes", "0");

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> opened = new ArrayList<>();
    private PartitionLog log;

    @BeforeEach
    void appendThreeEpochs() {
        log = open(LoadState.NEW);
        for (int epoch : new int[] {0, 0, 0, 3, 3, 5}) {
            log.append(batch(0, T0), epoch);
        }
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private Path dir() {
        return root.resolve("topic-0");
    }

    private PartitionLog open(LoadState state) {
        PartitionLog opening = PartitionLog.open(dir(), ONE_BATCH_SEGMENTS, state, new LogEnvironment(time, scheduler));
        opened.add(opening);
        return opening;
    }

    private List<EpochEntry> checkpointed() {
        return new CheckpointFile<>(dir().resolve(LeaderEpochCache.FILE_NAME), EpochEntry.FORMAT).read();
    }

    private static List<EpochEntry> entries(int... epochAndOffset) {
        List<EpochEntry> entries = new ArrayList<>();
        for (int i = 0; i < epochAndOffset.length; i += 2) {
            entries.add(new EpochEntry(epochAndOffset[i], epochAndOffset[i + 1]));
        }
        return entries;
    }

    @Test
    void eachLeaderEpochIsCheckpointedAtTheOffsetOfItsFirstBatch() {
        assertEquals(entries(0, 0, 3, 3, 5, 5), checkpointed());
        assertEquals(OptionalInt.of(5), log.latestEpoch());
    }

    @Test
    void offsetsForLeaderEpochAnswersWithTheStartOfTheNextEpochOrTheLogEnd() {
        assertEquals(new EpochEndOffset(0, 3), log.endOffsetForEpoch(0));
        assertEquals(new EpochEndOffset(3, 5), log.endOffsetForEpoch(4));
        assertEquals(new EpochEndOffset(5, 6), log.endOffsetForEpoch(5));
        assertEquals(EpochEndOffset.UNDEFINED, log.endOffsetForEpoch(6));
    }

    @Test
    void followerAppendsRecordTheEpochsTheLeaderStamped() {
        ByteBuf replicated = batch(6, T0);
        replicated.setInt(12, 8);

        log.appendAsFollower(replicated);

        assertEquals(entries(0, 0, 3, 3, 5, 5, 8, 6), checkpointed());
    }

    @Test
    void truncationRemovesTheEpochsStartingAtOrAfterTheNewEnd() {
        log.truncateTo(4);

        assertEquals(entries(0, 0, 3, 3), checkpointed());
        assertEquals(new EpochEndOffset(3, 4), log.endOffsetForEpoch(3));
        assertEquals(EpochEndOffset.UNDEFINED, log.endOffsetForEpoch(5));
    }

    @Test
    void aNewLeaderAnswersForItsEpochBeforeAppendingAndATruncationToTheEndRemovesThatEpoch() {
        log.assignEpochStartOffset(7);

        assertEquals(new EpochEndOffset(5, 6), log.endOffsetForEpoch(5));
        assertEquals(new EpochEndOffset(7, 6), log.endOffsetForEpoch(7));

        log.truncateTo(6);

        assertEquals(OptionalInt.of(5), log.latestEpoch());
    }

    @Test
    void movingTheLogStartOffsetMovesTheStartOfItsEpoch() {
        log.deleteRecordsBefore(4);

        assertEquals(entries(3, 4, 5, 5), checkpointed());
    }

    @Test
    void truncatingFullyClearsTheEpochs() {
        log.truncateFullyAndStartAt(20);

        assertEquals(List.of(), checkpointed());
        assertEquals(OptionalInt.empty(), log.latestEpoch());
    }

    @Test
    void epochsSurviveAReopen() {
        LoadState state = new LoadState(true, log.recoveryPoint(), log.logStartOffset());
        log.close();

        PartitionLog reopened = open(state);

        assertEquals(new EpochEndOffset(3, 5), reopened.endOffsetForEpoch(3));
        assertEquals(OptionalInt.of(5), reopened.latestEpoch());
    }

    @Test
    void anUncleanOpenDropsEpochsBeyondTheRecoveredEnd() throws IOException {
        log.close();
        try (RandomAccessFile active = new RandomAccessFile(dir().resolve(LogSegment.fileName(5, ".log")).toFile(), "rw")) {
            active.setLength(active.length() - 1);
        }

        PartitionLog recovered = open(new LoadState(false, 0, 0));

        assertEquals(5, recovered.logEndOffset());
        assertEquals(entries(0, 0, 3, 3), checkpointed());
    }

    @Test
    void recoveryRestoresEpochsTheCheckpointLost() throws IOException {
        log.close();
        new CheckpointFile<>(dir().resolve(LeaderEpochCache.FILE_NAME), EpochEntry.FORMAT).write(entries(0, 0));

        PartitionLog recovered = open(new LoadState(false, 0, 0));

        assertEquals(entries(0, 0, 3, 3, 5, 5), checkpointed());
        assertEquals(new EpochEndOffset(3, 5), recovered.endOffsetForEpoch(3));
    }

    @Test
    void aCheckpointedLogStartOffsetMovesTheFirstEpochOnOpen() {
        log.close();

        open(new LoadState(true, 6, 1));

        assertEquals(entries(0, 1, 3, 3, 5, 5), checkpointed());
    }

    @Test
    void theLogStartEpochIsTheEpochOfTheBatchAtTheLogStartOffset() {
        assertEquals(OptionalInt.of(0), log.logStartEpoch());
        log.deleteRecordsBefore(4);
        assertEquals(OptionalInt.of(3), log.logStartEpoch());
        log.deleteRecordsBefore(5);
        assertEquals(OptionalInt.of(5), log.logStartEpoch());
    }
}
