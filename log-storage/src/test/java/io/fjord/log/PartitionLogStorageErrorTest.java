package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.fjord.log.LogAssertions.assertLogMatches;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A full disk or failing device never leaves a partial batch visible, and the log directory's owner is told. */
class PartitionLogStorageErrorTest {
    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
    private final List<Path> failedDirs = new ArrayList<>();
    private final LogModel model = new LogModel(0);

    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    private PartitionLog open(LoadState state) {
        return open(root.resolve("topic-0"), state);
    }

    private PartitionLog open(Path dir, LoadState state) {
        return PartitionLog.open(dir, LogConfig.defaultConfig(), state,
                new LogEnvironment(time, scheduler, faults, (logDir, cause) -> failedDirs.add(logDir)), PartitionLog.Listener.NONE);
    }

    private void append(PartitionLog log, ByteBuf batch) {
        ByteBuf expected = model.assignOffsets(batch, 0);
        log.append(batch, 0);
        model.append(expected);
    }

    private Path activeLogFile() {
        return root.resolve("topic-0/00000000000000000000.log");
    }

    @Test
    void aWriteThatRunsOutOfSpaceLeavesNoPartialBatch() throws IOException {
        PartitionLog log = open(LoadState.NEW);
        append(log, batch(0, T0, T0 + 1));
        long sizeBefore = Files.size(activeLogFile());
        faults.writableBytes.set(10);

        KafkaStorageException e = assertThrows(KafkaStorageException.class, () -> log.append(batch(0, T0 + 2), 0));

        assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, e.errorCode());
        assertEquals(List.of(root), failedDirs, "the log directory is reported");
        assertEquals(sizeBefore, Files.size(activeLogFile()));
        assertLogMatches(model, log);

        faults.writableBytes.set(Long.MAX_VALUE);
        append(log, batch(0, T0 + 3));
        assertLogMatches(model, log);
        log.close();
        PartitionLog reopened = open(new LoadState(false, 0, 0));
        assertLogMatches(model, reopened);
        reopened.close();
    }

    @Test
    void bytesLeftByAFailedWriteWhoseCleanupFailedAreNeverServed() throws IOException {
        PartitionLog log = open(LoadState.NEW);
        append(log, batch(0, T0));
        faults.writableBytes.set(500);
        faults.failTruncate = true;

        assertThrows(KafkaStorageException.class, () -> log.append(batch(0, 1_000, T0 + 1), 0));
        assertLogMatches(model, log);
        assertEquals(model.visibleBatches().get(0).bytes().length + 500, Files.size(activeLogFile()), "the partial write stayed in the file");

        faults.writableBytes.set(Long.MAX_VALUE);
        faults.failTruncate = false;
        append(log, batch(0, T0 + 2));
        assertLogMatches(model, log);
        Path crashImage = root.resolve("crash/topic-0");
        TestBatches.copyDirectory(root.resolve("topic-0"), crashImage);
        PartitionLog afterCrash = open(crashImage, new LoadState(false, 0, 0));
        assertLogMatches(model, afterCrash);
        afterCrash.close();
        log.close();
        PartitionLog afterCleanShutdown = open(new LoadState(true, 0, 0));
        assertLogMatches(model, afterCleanShutdown);
        afterCleanShutdown.close();
    }
}
