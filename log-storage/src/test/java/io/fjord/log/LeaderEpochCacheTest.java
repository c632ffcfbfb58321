package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LeaderEpochCacheTest {
    private final InMemoryCheckpoint<EpochEntry> checkpoint = new InMemoryCheckpoint<>();
    private final LeaderEpochCache cache = new LeaderEpochCache(checkpoint);

    private void assignAll(int... epochAndOffset) {
        for (int i = 0; i < epochAndOffset.length; i += 2) {
            cache.assign(epochAndOffset[i], epochAndOffset[i + 1]);
        }
    }

    @Test
    void laterBatchesOfTheLatestEpochDoNotChangeOrRewriteTheCache() {
        cache.assign(2, 6);
        cache.assign(2, 10);
        cache.assign(2, 11);

        assertEquals(List.of(new EpochEntry(2, 6)), cache.entries());
        assertEquals(1, checkpoint.writes());
    }

    @Test
    void theLatestEpochStartingEarlierReplacesEntriesAtOrAfterThatOffset() {
        assignAll(5, 11, 6, 12, 7, 13);

        cache.assign(7, 12);

        assertEquals(List.of(new EpochEntry(5, 11), new EpochEntry(7, 12)), cache.entries());
        assertEquals(new EpochEndOffset(5, 12), cache.endOffsetFor(6, 100));
    }

    @Test
    void anOlderEpochAssignedLaterSupersedesTheNewerEntries() {
        assignAll(1, 0, 3, 10);

        cache.assign(2, 20);

        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 20)), cache.entries());
    }

    @Test
    void negativeEpochsAndOffsetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> cache.assign(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> cache.assign(0, -1));
    }

    @Test
    void endOffsetForAnswersLikeOffsetForLeaderEpoch() {
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(0, 50));
        assignAll(1, 11, 2, 13, 4, 17);

        assertEquals(new EpochEndOffset(4, 50), cache.endOffsetFor(4, 50), "latest epoch ends at the log end");
        assertEquals(new EpochEndOffset(2, 17), cache.endOffsetFor(2, 50));
        assertEquals(new EpochEndOffset(2, 17), cache.endOffsetFor(3, 50), "unknown epoch between known ones");
        assertEquals(new EpochEndOffset(0, 11), cache.endOffsetFor(0, 50), "epoch below the first");
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(5, 50), "epoch above the latest");
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(EpochEndOffset.UNDEFINED_EPOCH, 50));
    }

    @Test
    void epochForOffsetIsTheLatestEpochStartingAtOrBeforeIt() {
        assignAll(1, 10, 3, 20);

        assertEquals(OptionalInt.empty(), cache.epochForOffset(9));
        assertEquals(OptionalInt.of(1), cache.epochForOffset(10));
        assertEquals(OptionalInt.of(1), cache.epochForOffset(19));
        assertEquals(OptionalInt.of(3), cache.epochForOffset(20));
        assertEquals(OptionalInt.of(3), cache.latestEpoch());
    }

    @Test
    void truncateFromEndRemovesEpochsStartingAtOrAfterTheNewEnd() {
        assignAll(1, 10, 2, 20, 3, 30);

        cache.truncateFromEnd(20);

        assertEquals(List.of(new EpochEntry(1, 10)), cache.entries());
        cache.truncateFromEnd(15);
        assertEquals(4, checkpoint.writes(), "a no-op truncation does not rewrite the checkpoint");
    }

    @Test
    void truncateFromStartMovesTheCoveringEpochToTheNewStart() {
        assignAll(1, 10, 2, 20, 3, 30);

        cache.truncateFromStart(25);

        assertEquals(List.of(new EpochEntry(2, 25), new EpochEntry(3, 30)), cache.entries());
        cache.truncateFromStart(5);
        cache.truncateFromStart(25);
        assertEquals(4, checkpoint.writes(), "no-op truncations do not rewrite the checkpoint");
    }

    @Test
    void clearRemovesEverything() {
        assignAll(1, 10);

        cache.clear();

        assertEquals(List.of(), cache.entries());
        assertEquals(List.of(), checkpoint.read());
        assertEquals(OptionalInt.empty(), cache.latestEpoch());
    }

    @Test
    void aCacheReopenedFromItsFileHasTheSameEntries(@TempDir Path dir) throws Exception {
        LeaderEpochCache onDisk = LeaderEpochCache.open(dir);
        onDisk.assign(0, 0);
        onDisk.assign(4, 100);
        onDisk.truncateFromStart(50);

        assertEquals("0\n2\n0 50\n4 100\n", Files.readString(dir.resolve("leader-epoch-checkpoint")));
        assertEquals(onDisk.entries(), LeaderEpochCache.open(dir).entries());
    }

    @Test
    void loadingDropsEntriesThatLaterOnesSupersede() {
        checkpoint.write(List.of(new EpochEntry(1, 10), new EpochEntry(2, 30), new EpochEntry(3, 20)));

        assertEquals(List.of(new EpochEntry(1, 10), new EpochEntry(3, 20)), new LeaderEpochCache(checkpoint).entries());
    }
}
