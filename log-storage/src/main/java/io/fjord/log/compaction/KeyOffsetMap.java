package io.fjord.log.compaction;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's dedupe buffer: for each key of a log's dirty section, the offset of its latest record, in a
 * fixed amount of memory (Kafka's log.cleaner.dedupe.buffer.size). Keys are not stored, only a 128-bit
 * digest of them (the first half of their SHA-256; Kafka's cleaner uses MD5), so two keys share an entry only
 * on a digest collision: by chance about n²/2^129 for n keys, and by design about 2^64 hash evaluations.
 *
 * <p>An open-addressing table with linear probing, laid out in one {@code long[]} as (digest high, digest
 * low, offset + 1) per slot, an offset field of 0 marking a free slot. The table never holds more than
 * {@link #maxEntries()} = slots × load factor entries, so probing always ends at a free slot; callers check
 * {@link #hasRoomFor} before adding a batch's keys and stop the cleaning round there when it is full.
 *
 * <p>Not thread-safe: one per cleaner thread, {@link #clear() cleared} between rounds.
 */
public final class KeyOffsetMap {
    /** Kafka's log.cleaner.io.buffer.load.factor default. */
    public static final double DEFAULT_LOAD_FACTOR = 0.9;
    private static final int BYTES_PER_SLOT = 3 * Long.BYTES;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final long[] table;
    private final int slots;
    private final int maxEntries;
    private final MessageDigest sha256;
    private int size;

    /** A map in about {@code memoryBytes} of heap, filled to at most {@code loadFactor} of its slots. */
    public KeyOffsetMap(int memoryBytes, double loadFactor) {
        if (!(loadFactor > 0 && loadFactor < 1)) {
            throw new IllegalArgumentException("load factor " + loadFactor + " must lie strictly between 0 and 1");
        }
        this.slots = memoryBytes / BYTES_PER_SLOT;
        this.maxEntries = (int) (slots * loadFactor);
        if (maxEntries < 1) {
            throw new IllegalArgumentException(memoryBytes + " bytes cannot hold a single key");
        }
        this.table = new long[slots * 3];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    public int size() {
        return size;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Whether {@code newKeys} more keys fit, counting each as new. */
    public boolean hasRoomFor(int newKeys) {
        return size + (long) newKeys <= maxEntries;
    }

    /** Maps {@code key} to {@code offset}, replacing its previous offset. */
    public void put(ByteBuf key, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        byte[] digest = digest(key);
        int slot = find(digest);
        if (table[slot + 2] == 0) {
            if (size == maxEntries) {
                throw new IllegalStateException("map is full at " + maxEntries + " keys");
            }
            table[slot] = (long) LONGS.get(digest, 0);
            table[slot + 1] = (long) LONGS.get(digest, Long.BYTES);
            size++;
        }
        table[slot + 2] = offset + 1;
    }

    /** The offset last put for {@code key}, or -1 if none was. */
    public long get(ByteBuf key) {
        return table[find(digest(key)) + 2] - 1;
    }

    public void clear() {
        Arrays.fill(table, 0);
        size = 0;
    }

    /** The index in {@link #table} of the slot holding this digest, or of the free slot where it belongs. */
    private int find(byte[] digest) {
        long high = (long) LONGS.get(digest, 0);
        long low = (long) LONGS.get(digest, Long.BYTES);
        int slot = (int) Long.remainderUnsigned(high, slots);
        while (true) {
            int at = slot * 3;
            if (table[at + 2] == 0 || table[at] == high && table[at + 1] == low) {
                return at;
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
    }

    private byte[] digest(ByteBuf key) {
        if (key.hasArray()) {
            sha256.update(key.array(), key.arrayOffset() + key.readerIndex(), key.readableBytes());
        } else {
            sha256.update(key.nioBuffer());
        }
        return sha256.digest();
    }
}
