package io.fjord.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.IntToLongFunction;

/**
 * The memory-mapped file behind {@link OffsetIndex} and {@link TimeIndex}: fixed-size big-endian entries
 * packed from byte 0, no header, sorted by a key that increases from entry to entry. A new file is
 * preallocated (sparse) to segment.index.bytes rounded down to whole entries, so an append is a memory
 * write. A file that already exists is opened at its length and every whole entry in it counts, which is
 * right for a file trimmed by {@link #trimToValidSize} or {@link #close} (as every index is when its
 * segment rolls or the log closes cleanly); {@link #resize} makes room again when its segment is active.
 *
 * <p>Thread-safety: mutations (append, truncate, resize, reset, close) come from one writer at a time, the
 * owner of the segment's lock. Lookups may run concurrently: they read the entry count (volatile, written
 * after the entry's bytes) before the mapping, so they only see complete entries. A resize leaves the old
 * mapping to the garbage collector instead of unmapping it, so a concurrent lookup never touches unmapped
 * memory; {@link #close} unmaps at once and must only run when no lookup can still be in flight.
 */
public abstract sealed class MappedIndex implements Closeable permits OffsetIndex, TimeIndex {
    private final long baseOffset;
    private final int entrySize;
    private final int maxIndexSize;
    private final boolean wholeEntriesOnOpen;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;

    MappedIndex(Path file, long baseOffset, int maxIndexSize, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxIndexSize = maxIndexSize - maxIndexSize % entrySize;
        boolean created = !Files.exists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (created) {
                raf.setLength(this.maxIndexSize);
            }
            long length = Math.min(raf.length(), Integer.MAX_VALUE - Integer.MAX_VALUE % entrySize);
            wholeEntriesOnOpen = raf.length() % entrySize == 0;
            entries = created ? 0 : (int) (length / entrySize);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    public Path file() {
        return file;
    }

    public int entries() {
        return entries;
    }

    public int maxEntries() {
        return mmap.limit() / entrySize;
    }

    public boolean isFull() {
        return entries >= maxEntries();
    }

    public int sizeInBytes() {
        return entries * entrySize;
    }

    /** False when the file held a partial entry when it was opened: it was cut short or corrupted. */
    boolean hadWholeEntriesOnOpen() {
        return wholeEntriesOnOpen;
    }

    int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " is not within 2^31 after the base offset " + baseOffset);
        }
        return (int) relative;
    }

    /** The mapping as of a lookup; read {@link #entries()} first. */
    ByteBuffer buffer() {
        return mmap;
    }

    /** Binary search over the first {@code count} entries: the last slot whose key is at most {@code target}, or -1. */
    static int lastSlotAtMost(int count, long target, IntToLongFunction keyOfSlot) {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (keyOfSlot.applyAsLong(middle) <= target) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return high;
    }

    /** Writes the next entry with {@code writer} at its byte position, then publishes it. */
    void appendEntry(EntryWriter writer) {
        int n = entries;
        if (n >= maxEntries()) {
            throw new IllegalStateException("index " + file + " is full at " + n + " entries");
        }
        writer.write(mmap, n * entrySize);
        entries = n + 1;
    }

    /** Keeps the first {@code count} entries. */
    void truncateToEntries(int count) {
        entries = Math.min(entries, count);
    }

    /** Drops every entry and makes room for a full index again. */
    public void reset() throws IOException {
        entries = 0;
        resize(maxIndexSize);
    }

    /** Gives the file room for segment.index.bytes of entries again, as its segment becomes active. */
    public void resizeToMax() throws IOException {
        resize(maxIndexSize);
    }

    /** Shrinks the file to its entries, as its segment becomes inactive. */
    public void trimToValidSize() throws IOException {
        resize(sizeInBytes());
    }

    private void resize(int size) throws IOException {
        int length = Math.max(size - size % entrySize, sizeInBytes());
        if (length == mmap.limit()) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    public void flush() {
        mmap.force();
    }

    /** Renames the file, replacing any file of that name (an older deleted segment's). */
    public void renameTo(Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    /** Unmaps the file and trims it to its entries; later calls do nothing. */
    @Override
    public void close() throws IOException {
        if (unmap()) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(sizeInBytes());
            }
        }
    }

    /** Unmaps the file, if still mapped, and deletes it. */
    public void closeAndDelete() throws IOException {
        unmap();
        Files.deleteIfExists(file);
    }

    private boolean unmap() {
        MappedByteBuffer mapping = mmap;
        if (mapping == null) {
            return false;
        }
        mmap = null;
        MemoryMaps.unmap(mapping);
        return true;
    }

    @FunctionalInterface
    interface EntryWriter {
        void write(ByteBuffer buffer, int position);
    }
}
