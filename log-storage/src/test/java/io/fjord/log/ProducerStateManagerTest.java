package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.RecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static io.fjord.log.ProducerBatches.idempotent;
import static io.fjord.log.ProducerBatches.marker;
import static io.fjord.log.ProducerBatches.transactional;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProducerStateManagerTest {
    private static final long PID = 1000L;
    private static final long EXPIRATION_MS = ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS;

    @TempDir
    Path dir;
    private final MockTime time = new MockTime();
    private ProducerStateManager producers;

    @BeforeEach
    void open() {
        producers = manager();
    }

    private ProducerStateManager manager() {
        return new ProducerStateManager(dir, EXPIRATION_MS, time);
    }

    /** Validates as the leader would, then applies unless it is a duplicate. */
    private Optional<BatchMetadata> produce(RecordBatch batch) {
        Optional<BatchMetadata> duplicate = producers.validateLeaderAppend(batch);
        if (duplicate.isEmpty()) {
            producers.update(batch);
        }
        return duplicate;
    }

    private long now() {
        return time.milliseconds();
    }

    @Test
    void aRetriedBatchAmongTheLastFiveIsAnsweredWithItsOriginalOffsets() {
        for (int i = 0; i < 6; i++) {
            produce(idempotent(10L * i, PID, 0, 3 * i, 3, now() + i));
        }

        Optional<BatchMetadata> duplicate = produce(idempotent(999, PID, 0, 6, 3, now()));

        assertEquals(Optional.of(new BatchMetadata(8, 22, 2, now() + 2)), duplicate);
        assertEquals(20, duplicate.orElseThrow().firstOffset());
        assertEquals(6, duplicate.orElseThrow().firstSeq());
        assertEquals(17, producers.entry(PID).orElseThrow().lastSeq(), "nothing applied for the duplicate");
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 7; i++) {
            produce(idempotent(i, PID, 0, i, 1, now()));
        }

        List<BatchMetadata> batches = producers.entry(PID).orElseThrow().batches();

        assertEquals(List.of(2, 3, 4, 5, 6), batches.stream().map(BatchMetadata::firstSeq).toList());
        OutOfOrderSequenceException e = assertThrows(OutOfOrderSequenceException.class, () -> produce(idempotent(9, PID, 0, 1, 1, now())));
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, e.errorCode(), "a retry older than the cache is out of order");
    }

    @Test
    void aSequenceGapIsOutOfOrder() {
        produce(idempotent(0, PID, 0, 0, 5, now()));

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                assertThrows(OutOfOrderSequenceException.class, () -> produce(idempotent(5, PID, 0, 6, 1, now()))).errorCode());
        assertEquals(Optional.empty(), produce(idempotent(5, PID, 0, 5, 1, now())));
    }

    @Test
    void aBatchOverlappingButNotEqualToACachedOneIsOutOfOrder() {
        produce(idempotent(0, PID, 0, 0, 5, now()));

        assertThrows(OutOfOrderSequenceException.class, () -> produce(idempotent(5, PID, 0, 0, 3, now())));
    }

    @Test
    void anOlderEpochIsFencedWithInvalidProducerEpoch() {
        produce(idempotent(0, PID, 3, 0, 1, now()));

        RecordBatch olderEpoch = idempotent(1, PID, 2, 1, 1, now());
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH,
                assertThrows(InvalidProducerEpochException.class, () -> produce(olderEpoch)).errorCode());
        assertThrows(InvalidProducerEpochException.class, () -> produce(idempotent(1, PID, 2, 0, 1, now())),
                "the retry of a batch from an older epoch is fenced too");
    }

    @Test
    void aNewEpochMustStartAtSequenceZeroAndForgetsTheOldEpochsBatches() {
        produce(idempotent(0, PID, 0, 0, 3, now()));

        assertThrows(OutOfOrderSequenceException.class, () -> produce(idempotent(3, PID, 1, 3, 1, now())));
        assertEquals(Optional.empty(), produce(idempotent(3, PID, 1, 0, 2, now())));

        ProducerEntry entry = producers.entry(PID).orElseThrow();
        assertEquals(1, entry.epoch());
        assertEquals(List.of(new BatchMetadata(1, 4, 1, now())), entry.batches());
    }

    @Test
    void sequencesWrapFromMaxValueToZero() {
        produce(idempotent(0, PID, 0, Integer.MAX_VALUE - 1, 2, now()));
        assertEquals(Integer.MAX_VALUE, producers.entry(PID).orElseThrow().lastSeq());

        assertEquals(Optional.empty(), produce(idempotent(2, PID, 0, 0, 1, now())));
        assertEquals(0, producers.entry(PID).orElseThrow().lastSeq());
    }

    @Test
    void aBatchSpanningTheWrapIsTrackedAndDetectedAsDuplicate() {
        produce(idempotent(0, PID, 0, Integer.MAX_VALUE - 1, 4, now()));

        assertEquals(1, producers.entry(PID).orElseThrow().lastSeq());
        assertEquals(Optional.of(new BatchMetadata(1, 3, 3, now())), produce(idempotent(7, PID, 0, Integer.MAX_VALUE - 1, 4, now())));
        assertEquals(Integer.MAX_VALUE - 1, producers.entry(PID).orElseThrow().batches().get(0).firstSeq());
        assertEquals(Optional.empty(), produce(idempotent(4, PID, 0, 2, 1, now())));
    }

    @Test
    void anUnknownProducerIsAcceptedAtAnySequenceAndEpoch() {
        assertEquals(Optional.empty(), produce(idempotent(0, PID, 7, 4242, 2, now())));

        assertEquals(4243, producers.entry(PID).orElseThrow().lastSeq());
    }

    @Test
    void batchesWithoutAProducerIdAreIgnored() {
        RecordBatch plain = ProducerBatches.plain(0, 3, now());

        assertEquals(Optional.empty(), producers.validateLeaderAppend(plain));
        producers.update(plain);

        assertEquals(Map.of(), producers.activeProducers());
    }

    @Test
    void followerUpdatesApplyWithoutValidation() {
        producers.update(idempotent(0, PID, 5, 0, 1, now()));
        producers.update(idempotent(1, PID, 4, 9, 1, now()));

        assertEquals(4, producers.entry(PID).orElseThrow().epoch());
        assertEquals(9, producers.entry(PID).orElseThrow().lastSeq());
    }

    @Test
    void transactionsOpenOnTheirFirstBatchAndCloseOnTheMarker() {
        produce(transactional(10, PID, 2, 0, 2, now()));
        produce(transactional(12, PID, 2, 2, 2, now()));
        assertEquals(OptionalLong.of(10), producers.entry(PID).orElseThrow().currentTxnFirstOffset());

        produce(marker(14, PID, 2, ControlRecordType.COMMIT, 9, now() + 5));

        ProducerEntry entry = producers.entry(PID).orElseThrow();
        assertEquals(OptionalLong.empty(), entry.currentTxnFirstOffset());
        assertEquals(9, entry.coordinatorEpoch());
        assertEquals(now() + 5, entry.lastTimestamp());
        assertEquals(3, entry.lastSeq(), "a marker of the same epoch keeps the batches");
    }

    @Test
    void aMarkerFromAnOlderEpochIsFenced() {
        produce(transactional(0, PID, 2, 0, 1, now()));

        assertThrows(InvalidProducerEpochException.class, () -> produce(marker(1, PID, 1, ControlRecordType.ABORT, 0, now())));
    }

    @Test
    void aSnapshotReloadsToTheSameState() {
        produce(idempotent(0, PID, 0, 0, 2, now()));
        produce(transactional(2, PID + 1, 1, 0, 1, now()));
        producers.takeSnapshot(3);

        ProducerStateManager reopened = manager();
        long replayFrom = reopened.truncateAndReload(0, 3);

        assertEquals(3, replayFrom);
        assertEquals(producers.activeProducers(), reopened.activeProducers());
        assertTrue(Files.exists(dir.resolve("00000000000000000003.snapshot")));
    }

    @Test
    void truncationDeletesSnapshotsAboveTheNewEndAndReloadsTheLatestBelow() {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        producers.takeSnapshot(1);
        produce(idempotent(1, PID, 0, 1, 1, now()));
        producers.takeSnapshot(2);

        long replayFrom = producers.truncateAndReload(0, 1);

        assertEquals(1, replayFrom);
        assertEquals(0, producers.entry(PID).orElseThrow().lastSeq());
        assertFalse(Files.exists(ProducerSnapshotFile.path(dir, 2)));
        assertEquals(OptionalLong.of(1), producers.latestSnapshotOffset());
    }

    @Test
    void truncatingFullyToANewStartDropsAllStateAndSnapshots() {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        producers.takeSnapshot(1);

        assertEquals(1, producers.truncateAndReload(1, 1));

        assertEquals(Map.of(), producers.activeProducers());
        assertEquals(OptionalLong.empty(), producers.latestSnapshotOffset());
    }

    @Test
    void aCorruptSnapshotIsDeletedAndAnOlderOneUsed() throws IOException {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        producers.takeSnapshot(1);
        produce(idempotent(1, PID, 0, 1, 1, now()));
        producers.takeSnapshot(2);
        flipLastByte(ProducerSnapshotFile.path(dir, 2));

        ProducerStateManager reopened = manager();
        long replayFrom = reopened.truncateAndReload(0, 2);

        assertEquals(1, replayFrom);
        assertEquals(0, reopened.entry(PID).orElseThrow().lastSeq());
        assertFalse(Files.exists(ProducerSnapshotFile.path(dir, 2)));
    }

    @Test
    void withNoIntactSnapshotTheWholeLogIsReplayed() throws IOException {
        produce(idempotent(5, PID, 0, 0, 1, now()));
        producers.takeSnapshot(6);
        flipLastByte(ProducerSnapshotFile.path(dir, 6));

        ProducerStateManager reopened = manager();

        assertEquals(5, reopened.truncateAndReload(5, 6));
        assertEquals(Map.of(), reopened.activeProducers());
    }

    @Test
    void truncatedAndUnknownVersionSnapshotsAreCorrupt() throws IOException {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        producers.takeSnapshot(1);
        Path file = ProducerSnapshotFile.path(dir, 1);
        byte[] bytes = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertThrows(ProducerSnapshotFile.CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
        Files.write(file, Arrays.copyOf(bytes, 3));
        assertThrows(ProducerSnapshotFile.CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
        bytes[1] = 9;
        Files.write(file, bytes);
        assertThrows(ProducerSnapshotFile.CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
    }

    @Test
    void deleteSnapshotsBelowKeepsTheOffsetItselfAndAbove() {
        for (long offset : new long[] {10, 20, 30}) {
            producers.takeSnapshot(offset);
        }

        producers.deleteSnapshotsBelow(20);

        assertFalse(Files.exists(ProducerSnapshotFile.path(dir, 10)));
        assertTrue(Files.exists(ProducerSnapshotFile.path(dir, 20)));
        assertTrue(Files.exists(ProducerSnapshotFile.path(dir, 30)));
    }

    @Test
    void otherFilesInThePartitionDirectoryAreNotSnapshots() throws IOException {
        Files.createFile(dir.resolve("00000000000000000000.log"));
        Files.createFile(dir.resolve("00000000000000000007.snapshot.tmp"));
        Files.createFile(dir.resolve("7.snapshot"));

        assertEquals(OptionalLong.empty(), manager().latestSnapshotOffset());
    }

    @Test
    void producersIdleForTheExpirationTimeAreRemovedUnlessInATransaction() {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        produce(transactional(1, PID + 1, 0, 0, 1, now()));
        time.advance(EXPIRATION_MS - 1);
        produce(idempotent(2, PID + 2, 0, 0, 1, now()));

        producers.removeExpiredProducers();
        assertEquals(3, producers.activeProducers().size());

        time.advance(1);
        producers.removeExpiredProducers();
        assertEquals(List.of(PID + 1, PID + 2), producers.activeProducers().keySet().stream().sorted().toList());
    }

    @Test
    void expiredProducersAreNotLoadedFromASnapshot() {
        produce(idempotent(0, PID, 0, 0, 1, now()));
        produce(idempotent(1, PID + 1, 0, 0, 1, now() + 10));
        producers.takeSnapshot(2);
        time.advance(EXPIRATION_MS);

        ProducerStateManager reopened = manager();
        reopened.truncateAndReload(0, 2);

        assertEquals(List.of(PID + 1), List.copyOf(reopened.activeProducers().keySet()));
    }

    private static void flipLastByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
    }
}
