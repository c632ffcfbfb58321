package io.fjord.broker.log;

import io.fjord.protocol.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionMetadataFileTest {
    @TempDir
    Path dir;

    @Test
    void writesKafkasVersionZeroFormatAndReadsItBack() throws Exception {
        Uuid id = Uuid.fromString("vKSm5e3yQ5eD5R9i0Ne4Zg");

        PartitionMetadataFile.write(dir, id);

        assertEquals("version: 0\ntopic_id: vKSm5e3yQ5eD5R9i0Ne4Zg\n",
                Files.readString(dir.resolve("partition.metadata"), StandardCharsets.UTF_8));
        assertEquals(Optional.of(id), PartitionMetadataFile.read(dir));
    }

    @Test
    void aLaterWriteReplacesTheTopicId() {
        PartitionMetadataFile.write(dir, Uuid.fromString("vKSm5e3yQ5eD5R9i0Ne4Zg"));
        Uuid second = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

        PartitionMetadataFile.write(dir, second);

        assertEquals(Optional.of(second), PartitionMetadataFile.read(dir));
    }

    @Test
    void aMissingFileIsEmptyAndAMalformedOneIsRejected() throws Exception {
        assertEquals(Optional.empty(), PartitionMetadataFile.read(dir));
        Files.writeString(dir.resolve("partition.metadata"), "version: 1\ntopic_id: vKSm5e3yQ5eD5R9i0Ne4Zg\n");
        assertThrows(IllegalStateException.class, () -> PartitionMetadataFile.read(dir));
        Files.writeString(dir.resolve("partition.metadata"), "version: 0\ntopic_id: not-base64!\n");
        assertThrows(IllegalStateException.class, () -> PartitionMetadataFile.read(dir));
    }
}
