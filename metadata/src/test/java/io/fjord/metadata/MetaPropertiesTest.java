package io.fjord.metadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaPropertiesTest {

    @Test
    void clusterIdIsGeneratedOnceAndReadBackInKafkasFormat(@TempDir Path dir) throws Exception {
        MetaProperties first = MetaProperties.loadOrCreate(dir, 3, null);
        MetaProperties again = MetaProperties.loadOrCreate(dir, 3, null);
        assertEquals(first, again);
        assertEquals(22, first.clusterId().length());
        String text = Files.readString(dir.resolve("meta.properties"));
        assertTrue(text.contains("version=1\n"));
        assertTrue(text.contains("cluster.id=" + first.clusterId() + "\n"));
        assertTrue(text.contains("node.id=3\n"));
        assertTrue(text.contains("directory.id=" + first.directoryId() + "\n"));
    }

    @Test
    void directoryOfAnotherNodeIsRefused(@TempDir Path dir) throws Exception {
        MetaProperties.loadOrCreate(dir, 1, null);
        assertThrows(IllegalStateException.class, () -> MetaProperties.loadOrCreate(dir, 2, null));
    }
}
