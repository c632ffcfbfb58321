package io.fjord.protocol.conformance;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Random field values shared by the Kafka-side and our-side message populators. Not thread-safe. */
final class RandomValues {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABC-_.0123456789éß日本";
    private final Random random;

    RandomValues(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int count() {
        int r = random.nextInt(10);
        return r < 2 ? 0 : r < 6 ? 1 : r < 9 ? 2 : 3;
    }

    String string() {
        int length = random.nextInt(9);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    byte[] bytes() {
        byte[] b = new byte[random.nextInt(12)];
        random.nextBytes(b);
        return b;
    }

    int uint16() {
        return random.nextInt(0x10000);
    }

    long uint32() {
        return random.nextLong() & 0xffffffffL;
    }

    /** A small, valid v2 record batch, as a client would send it. */
    ByteBuffer recordBatch() {
        SimpleRecord[] records = new SimpleRecord[1 + random.nextInt(3)];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(random.nextLong() & Long.MAX_VALUE, string().getBytes(StandardCharsets.UTF_8), bytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }
}
