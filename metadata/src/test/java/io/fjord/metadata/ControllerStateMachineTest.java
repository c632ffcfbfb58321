package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.Uuid;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ControllerStateMachineTest {

    private static MetadataImage image() {
        Uuid id = Uuid.randomUuid();
        return MetadataImage.EMPTY.toDelta().replayAll(List.of(
                new TopicRecord("t", id),
                new PartitionRecord(id, 0, List.of(1, 2), List.of(1), 1, 3, 4),
                new ConfigRecord(ConfigResource.Type.TOPIC, "t", "retention.ms", "10"))).apply(42);
    }

    @Test
    void snapshotFileRestatesTheImageAtItsTermAndIndex(@TempDir Path dir) throws IOException {
        MetadataImage image = image();
        Path file = dir.resolve("snapshot.2_42");
        ControllerStateMachine.writeSnapshot(file, TermIndex.valueOf(2, 42), image);

        ControllerStateMachine.Loaded loaded = ControllerStateMachine.readSnapshot(file);

        assertEquals(2, loaded.term());
        assertEquals(42, loaded.index());
        assertEquals(image, MetadataImage.EMPTY.toDelta().replayAll(loaded.records()).apply(42));
    }

    @Test
    void corruptSnapshotIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snapshot.2_42");
        ControllerStateMachine.writeSnapshot(file, TermIndex.valueOf(2, 42), image());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        assertThrows(IOException.class, () -> ControllerStateMachine.readSnapshot(file));
    }
}
