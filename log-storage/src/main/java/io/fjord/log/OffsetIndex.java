package io.fjord.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of a segment, file {@code <base offset>.index}. Each 8-byte entry is an offset
 * minus the segment's base offset (int32) and the byte position in the .log file (int32) of the batch
 * whose last offset that is; the segment adds one for a batch once index.interval.bytes of log have
 * passed since the previous entry. Offsets and positions strictly increase. A lookup finds the last
 * entry at or below an offset, from where the segment scans batch headers forward. Thread-safety as in
 * {@link MappedIndex}.
 */
public final class OffsetIndex extends MappedIndex {
    public static final int ENTRY_SIZE = 8;

    /** An offset and the position of the batch it belongs to. */
    public record Entry(long offset, int position) {
    }

    public OffsetIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** @throws IllegalArgumentException unless {@code offset} is above the last entry's */
    public void append(long offset, int position) {
        if (entries() > 0 && offset <= lastEntry().offset()) {
            throw new IllegalArgumentException("offset " + offset + " is not above the last indexed offset " + lastEntry().offset());
        }
        int relative = relativeOffset(offset);
        appendEntry((buffer, at) -> buffer.putInt(at, relative).putInt(at + Integer.BYTES, position));
    }

    /** The last entry whose offset is at most {@code offset}, or (base offset, 0) when there is none. */
    public Entry lookup(long offset) {
        int count = entries();
        ByteBuffer buffer = buffer();
        int slot = lastSlotAtMost(count, offset - baseOffset(), s -> buffer.getInt(s * ENTRY_SIZE));
        return slot < 0 ? new Entry(baseOffset(), 0) : entryAt(buffer, slot);
    }

    /** The last entry, or (base offset, 0) when there is none. */
    public Entry lastEntry() {
        int count = entries();
        return count == 0 ? new Entry(baseOffset(), 0) : entryAt(buffer(), count - 1);
    }

    /** Removes every entry whose offset is at or above {@code offset}. */
    public void truncateTo(long offset) {
        ByteBuffer buffer = buffer();
        truncateToEntries(lastSlotAtMost(entries(), offset - 1 - baseOffset(), s -> buffer.getInt(s * ENTRY_SIZE)) + 1);
    }

    /**
     * Cheap checks for a file opened from disk, that catch a cut, zeroed or unfinished (not trimmed) index:
     * whole entries only, a last entry inside the log, first and last entries in increasing order.
     */
    public boolean looksValid(int logSize) {
        int count = entries();
        if (!hadWholeEntriesOnOpen() || count == 0) {
            return hadWholeEntriesOnOpen();
        }
        Entry first = entryAt(buffer(), 0);
        Entry last = entryAt(buffer(), count - 1);
        return first.offset() >= baseOffset() && last.position() < logSize
                && (count == 1 || last.offset() > first.offset() && last.position() > first.position());
    }

    private Entry entryAt(ByteBuffer buffer, int slot) {
        int at = slot * ENTRY_SIZE;
        return new Entry(baseOffset() + buffer.getInt(at), buffer.getInt(at + Integer.BYTES));
    }
}
