package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetIndexTest {
    private static final long BASE = 1_000;

    @TempDir
    Path dir;

    @Test
    void aNewIndexIsPreallocatedAndTrimmedOnClose() throws IOException {
        Path file = dir.resolve("a.index");
        OffsetIndex index = new OffsetIndex(file, BASE, 100);
        assertEquals(96, Files.size(file), "rounded down to whole entries");

        index.append(BASE + 5, 300);
        index.close();

        assertEquals(OffsetIndex.ENTRY_SIZE, Files.size(file));
    }

    @Test
    void aLookupBelowEveryEntryGivesTheSegmentStart() throws IOException {
        try (OffsetIndex index = new OffsetIndex(dir.resolve("a.index"), BASE, 80)) {
            index.append(BASE + 5, 300);

            assertEquals(new OffsetIndex.Entry(BASE, 0), index.lookup(BASE + 4));
            assertEquals(new OffsetIndex.Entry(BASE + 5, 300), index.lookup(BASE + 5));
            assertEquals(new OffsetIndex.Entry(BASE + 5, 300), index.lookup(Long.MAX_VALUE));
        }
    }

    @Test
    void offsetsMustIncreaseAndFitTheRelativeRange() throws IOException {
        try (OffsetIndex index = new OffsetIndex(dir.resolve("a.index"), BASE, 80)) {
            index.append(BASE + 5, 300);

            assertThrows(IllegalArgumentException.class, () -> index.append(BASE + 5, 400));
            assertThrows(IllegalArgumentException.class, () -> index.append(BASE + Integer.MAX_VALUE + 1L, 400));
        }
    }

    @Test
    void appendingToAFullIndexFails() throws IOException {
        try (OffsetIndex index = new OffsetIndex(dir.resolve("a.index"), BASE, 16)) {
            index.append(BASE + 1, 10);
            index.append(BASE + 2, 20);

            assertTrue(index.isFull());
            assertThrows(IllegalStateException.class, () -> index.append(BASE + 3, 30));
        }
    }

    @Test
    void aReopenedActiveIndexGetsRoomAgain() throws IOException {
        Path file = dir.resolve("a.index");
        OffsetIndex index = new OffsetIndex(file, BASE, 80);
        index.append(BASE + 1, 10);
        index.close();

        try (OffsetIndex reopened = new OffsetIndex(file, BASE, 80)) {
            assertTrue(reopened.isFull(), "opened at its trimmed length");
            reopened.resizeToMax();

            reopened.append(BASE + 2, 20);
            assertEquals(2, reopened.entries());
            assertEquals(80, Files.size(file));
        }
    }

    @Test
    void aSoundIndexLooksValid() throws IOException {
        Path file = writeThreeEntries();

        try (OffsetIndex index = new OffsetIndex(file, BASE, 80)) {
            assertTrue(index.looksValid(1_000));
            assertFalse(index.looksValid(300), "its last entry lies beyond a 300-byte log");
        }
    }

    @Test
    void aZeroedIndexDoesNotLookValid() throws IOException {
        Path file = writeThreeEntries();
        Files.write(file, new byte[(int) Files.size(file)]);

        try (OffsetIndex index = new OffsetIndex(file, BASE, 80)) {
            assertFalse(index.looksValid(1_000));
        }
    }

    @Test
    void anIndexCutInsideAnEntryDoesNotLookValid() throws IOException {
        Path file = writeThreeEntries();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }

        try (OffsetIndex index = new OffsetIndex(file, BASE, 80)) {
            assertFalse(index.looksValid(1_000));
        }
    }

    @Test
    void anUntrimmedIndexFromACrashDoesNotLookValid() throws IOException {
        Path file = writeThreeEntries();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(80);
        }

        try (OffsetIndex index = new OffsetIndex(file, BASE, 80)) {
            assertFalse(index.looksValid(1_000), "the zero-filled slots count as entries that go backwards");
        }
    }

    private Path writeThreeEntries() throws IOException {
        Path file = dir.resolve("three.index");
        try (OffsetIndex index = new OffsetIndex(file, BASE, 80)) {
            index.append(BASE + 3, 100);
            index.append(BASE + 7, 200);
            index.append(BASE + 9, 400);
        }
        return file;
    }
}
