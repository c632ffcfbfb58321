package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeIndexTest {
    private static final long BASE = 50;

    @TempDir
    Path dir;

    @Test
    void onlyTimestampsAboveTheLastEntryAreKept() throws IOException {
        try (TimeIndex index = new TimeIndex(dir.resolve("a.timeindex"), BASE, 120)) {
            index.maybeAppend(100, BASE + 1);
            index.maybeAppend(100, BASE + 2);
            index.maybeAppend(90, BASE + 3);
            index.maybeAppend(150, BASE + 4);

            assertEquals(2, index.entries());
            assertEquals(new TimeIndex.Entry(150, BASE + 4), index.lastEntry());
        }
    }

    @Test
    void aLookupGivesTheLastEntryAtOrBeforeTheTimestamp() throws IOException {
        try (TimeIndex index = new TimeIndex(dir.resolve("a.timeindex"), BASE, 120)) {
            index.maybeAppend(100, BASE + 1);
            index.maybeAppend(150, BASE + 4);

            assertEquals(new TimeIndex.Entry(-1, BASE), index.lookup(99));
            assertEquals(new TimeIndex.Entry(100, BASE + 1), index.lookup(149));
            assertEquals(new TimeIndex.Entry(150, BASE + 4), index.lookup(150));
        }
    }

    @Test
    void theLastSlotIsKeptForTheFinalEntry() throws IOException {
        try (TimeIndex index = new TimeIndex(dir.resolve("a.timeindex"), BASE, 24)) {
            index.maybeAppend(100, BASE + 1);
            assertTrue(index.isFull());
            index.maybeAppend(200, BASE + 2);
            assertEquals(1, index.entries());

            index.appendFinal(300, BASE + 3);

            assertEquals(new TimeIndex.Entry(300, BASE + 3), index.lastEntry());
        }
    }

    @Test
    void truncationRemovesEntriesAtOrAfterTheOffset() throws IOException {
        try (TimeIndex index = new TimeIndex(dir.resolve("a.timeindex"), BASE, 120)) {
            index.maybeAppend(100, BASE + 1);
            index.maybeAppend(150, BASE + 4);

            index.truncateTo(BASE + 4);

            assertEquals(new TimeIndex.Entry(100, BASE + 1), index.lastEntry());
            index.maybeAppend(120, BASE + 2);
            assertEquals(2, index.entries());
        }
    }

    @Test
    void aZeroedIndexDoesNotLookValid() throws IOException {
        Path file = dir.resolve("a.timeindex");
        try (TimeIndex index = new TimeIndex(file, BASE, 120)) {
            index.maybeAppend(100, BASE + 1);
            index.maybeAppend(150, BASE + 4);
        }
        try (TimeIndex index = new TimeIndex(file, BASE, 120)) {
            assertTrue(index.looksValid());
        }
        Files.write(file, new byte[(int) Files.size(file)]);

        try (TimeIndex index = new TimeIndex(file, BASE, 120)) {
            assertFalse(index.looksValid());
        }
    }
}
