package io.fjord.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of a segment, file {@code <base offset>.timeindex}. Each 12-byte entry is a
 * timestamp (int64) and an offset minus the segment's base offset (int32): the largest batch max
 * timestamp in the segment so far and the last offset of the first batch that reached it. The segment
 * offers an entry whenever it adds an offset index entry; only a timestamp above the last one is kept,
 * so timestamps and offsets strictly increase. Every batch before an entry's batch has a smaller max
 * timestamp, so a search for the first record at or after time t may start at the entry found by
 * {@link #lookup}(t). One slot is kept free for the segment's final entry ({@link #appendFinal}) when it
 * becomes inactive, so the last entry of an inactive segment holds its max timestamp. Thread-safety as
 * in {@link MappedIndex}.
 */
public final class TimeIndex extends MappedIndex {
    public static final int ENTRY_SIZE = 12;

    /** A timestamp and an offset; timestamp -1 with the base offset stands for "no entry". */
    public record Entry(long timestamp, long offset) {
    }

    public TimeIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** Full one entry early: the last slot is reserved for {@link #appendFinal}. */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** Appends the entry if its timestamp is above the last one's and the index is not full. */
    public void maybeAppend(long timestamp, long offset) {
        if (!isFull()) {
            appendIfLater(timestamp, offset);
        }
    }

    /** Appends the segment's final entry, into the reserved slot if need be. */
    public void appendFinal(long timestamp, long offset) {
        if (entries() < maxEntries()) {
            appendIfLater(timestamp, offset);
        }
    }

    private void appendIfLater(long timestamp, long offset) {
        Entry last = lastEntry();
        if (timestamp <= last.timestamp()) {
            return;
        }
        if (entries() > 0 && offset <= last.offset()) {
            throw new IllegalArgumentException("time index offset " + offset + " is not above the last entry's " + last.offset());
        }
        int relative = relativeOffset(offset);
        appendEntry((buffer, at) -> buffer.putLong(at, timestamp).putInt(at + Long.BYTES, relative));
    }

    /** The last entry whose timestamp is at most {@code timestamp}, or (-1, base offset) when there is none. */
    public Entry lookup(long timestamp) {
        int count = entries();
        ByteBuffer buffer = buffer();
        int slot = lastSlotAtMost(count, timestamp, s -> buffer.getLong(s * ENTRY_SIZE));
        return slot < 0 ? new Entry(-1, baseOffset()) : entryAt(buffer, slot);
    }

    /** The last entry, or (-1, base offset) when there is none. */
    public Entry lastEntry() {
        int count = entries();
        return count == 0 ? new Entry(-1, baseOffset()) : entryAt(buffer(), count - 1);
    }

    /** Removes every entry whose offset is at or above {@code offset}. */
    public void truncateTo(long offset) {
        ByteBuffer buffer = buffer();
        truncateToEntries(lastSlotAtMost(entries(), offset - 1 - baseOffset(),
                s -> buffer.getInt(s * ENTRY_SIZE + Long.BYTES)) + 1);
    }

    /** Cheap checks for a file opened from disk: whole entries, first and last entries in increasing order. */
    public boolean looksValid() {
        int count = entries();
        if (!hadWholeEntriesOnOpen() || count == 0) {
            return hadWholeEntriesOnOpen();
        }
        Entry first = entryAt(buffer(), 0);
        Entry last = entryAt(buffer(), count - 1);
        return first.offset() >= baseOffset() && first.timestamp() >= 0
                && (count == 1 || last.timestamp() > first.timestamp() && last.offset() > first.offset());
    }

    private Entry entryAt(ByteBuffer buffer, int slot) {
        int at = slot * ENTRY_SIZE;
        return new Entry(buffer.getLong(at), baseOffset() + buffer.getInt(at + Long.BYTES));
    }
}
