package io.fjord.protocol.records;

import io.fjord.protocol.ProtocolDecodeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed batches fail with CorruptRecordException (a ProtocolDecodeException) and nothing else. */
class CorruptBatchTest {
    private static final long T0 = 1_700_000_000_000L;
    /** In {@link #singleRecordBatch()}: the record's length varint, then attributes, timestampDelta, offsetDelta, keyLength. */
    private static final int RECORD_START = RecordBatch.HEADER_SIZE;
    private static final int OFFSET_DELTA_AT = RECORD_START + 3;
    private static final int KEY_LENGTH_AT = RECORD_START + 4;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void anyFlippedByteInTheCrcRangeFailsValidation(CompressionType codec) {
        // given
        ByteBuf bytes = sampleBatch(codec, 3, 100);
        RecordBatch batch = RecordBatch.wrap(bytes);
        batch.ensureValid();

        for (int i = 21; i < bytes.readableBytes(); i++) {
            // when
            bytes.setByte(i, bytes.getByte(i) ^ 0x5a);

            // then
            assertFalse(batch.isValid(), "flip at " + i);
            assertThrows(CorruptRecordException.class, batch::ensureValid, "flip at " + i);
            bytes.setByte(i, bytes.getByte(i) ^ 0x5a);
        }
        batch.ensureValid();
    }

    @Test
    void everyTruncationIsRejectedAsABatchAndEndsIterationAsATrailingPartialBatch() {
        ByteBuf whole = sampleBatch(CompressionType.NONE, 3, 20);
        for (int length = 0; length < whole.readableBytes(); length++) {
            ByteBuf truncated = whole.slice(0, length);
            assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(truncated), "length " + length);
            assertFalse(new RecordBatches(truncated).iterator().hasNext(), "length " + length);
        }
    }

    @Test
    void aTrailingPartialBatchEndsIterationAfterTheCompleteOnes() {
        // given
        ByteBuf first = sampleBatch(CompressionType.LZ4, 2, 10);
        ByteBuf second = sampleBatch(CompressionType.NONE, 2, 10);
        ByteBuf sequence = Unpooled.wrappedBuffer(first, second.slice(0, second.readableBytes() - 1));

        // when
        List<RecordBatch> batches = new ArrayList<>();
        new RecordBatches(sequence).forEach(batches::add);

        // then
        assertEquals(1, batches.size());
        assertEquals(first.readableBytes(), batches.get(0).sizeInBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD - 1})
    void aBatchLengthShorterThanAHeaderIsCorrupt(int batchLength) {
        ByteBuf bytes = sampleBatch(CompressionType.NONE, 1, 10);
        bytes.setInt(RecordBatch.BATCH_LENGTH_OFFSET, batchLength);

        assertThrows(CorruptRecordException.class, () -> new RecordBatches(bytes).iterator().hasNext());
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(bytes));
    }

    @Test
    void aHugeBatchLengthIsATrailingPartialBatch() {
        ByteBuf bytes = sampleBatch(CompressionType.NONE, 1, 10);
        bytes.setInt(RecordBatch.BATCH_LENGTH_OFFSET, Integer.MAX_VALUE);

        assertFalse(new RecordBatches(bytes).iterator().hasNext());
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(bytes));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, -1})
    void aMagicOtherThanTwoIsCorruptEvenInAPartialBatch(int magic) {
        ByteBuf bytes = sampleBatch(CompressionType.NONE, 1, 10);
        bytes.setByte(RecordBatch.MAGIC_OFFSET, magic);

        assertThrows(CorruptRecordException.class, () -> new RecordBatches(bytes.slice(0, RecordBatch.MAGIC_OFFSET + 1)).iterator().hasNext());
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(bytes));
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7})
    void anUnknownCompressionTypeIsCorrupt(int codec) {
        ByteBuf bytes = sampleBatch(CompressionType.NONE, 1, 10);
        bytes.setShort(21, codec);
        RecordBatch batch = withFixedCrc(bytes);

        assertThrows(CorruptRecordException.class, batch::iterator);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aRecordCountThatDisagreesWithTheRecordsIsCorrupt(CompressionType codec) {
        for (int count : new int[] {0, 2, 4, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            ByteBuf bytes = sampleBatch(codec, 3, 10);
            bytes.setInt(57, count);
            RecordBatch batch = withFixedCrc(bytes);

            assertThrows(CorruptRecordException.class, () -> batch.forEach(r -> { }), "count " + count);
        }
    }

    @Test
    void aRecordLengthBeyondTheBatchIsCorrupt() {
        ByteBuf bytes = singleRecordBatch();
        bytes.setByte(RECORD_START, 0x7e);

        assertThrows(CorruptRecordException.class, () -> withFixedCrc(bytes).iterator().next());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7e, 0x03, 0x05})
    void aKeyLengthBeyondTheRecordOrBelowMinusOneIsCorrupt(int zigZagKeyLength) {
        ByteBuf bytes = singleRecordBatch();
        bytes.setByte(KEY_LENGTH_AT, zigZagKeyLength);

        assertThrows(CorruptRecordException.class, () -> withFixedCrc(bytes).iterator().next());
    }

    @Test
    void aVarintBeyondThirtyTwoBitsIsCorrupt() {
        ByteBuf bytes = singleRecordBatch();
        bytes.setBytes(OFFSET_DELTA_AT, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});

        assertThrows(CorruptRecordException.class, () -> withFixedCrc(bytes).iterator().next());
    }

    @Test
    void unreadBytesAfterARecordsFieldsAreCorrupt() {
        ByteBuf bytes = singleRecordBatch();
        bytes.setByte(RECORD_START, bytes.getByte(RECORD_START) + 2);
        bytes.setInt(RecordBatch.BATCH_LENGTH_OFFSET, bytes.getInt(RecordBatch.BATCH_LENGTH_OFFSET) + 1);
        ByteBuf longer = Unpooled.wrappedBuffer(bytes, Unpooled.wrappedBuffer(new byte[1]));

        assertThrows(CorruptRecordException.class, () -> withFixedCrc(longer).iterator().next());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void decompressionBeyondTheLimitIsRefused(CompressionType codec) {
        // given a batch of 4 MiB of zeros that compresses to a few KiB
        ByteBuf bytes = new RecordBatchBuilder(codec).append(T0, null, Unpooled.wrappedBuffer(new byte[4 << 20]), List.of()).build();
        RecordBatch batch = RecordBatch.wrap(bytes);

        // when / then
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> batch.records(1 << 20));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
        assertEquals(4 << 20, batch.iterator().next().value().readableBytes());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void corruptCompressedDataIsCorrupt(CompressionType codec) {
        ByteBuf bytes = sampleBatch(codec, 3, 100);
        for (int i = RecordBatch.HEADER_SIZE; i < bytes.readableBytes(); i++) {
            bytes.setByte(i, ~bytes.getByte(i));
        }

        assertThrows(CorruptRecordException.class, () -> withFixedCrc(bytes).forEach(r -> { }));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandsOfRandomMutationsFailOnlyWithProtocolDecodeException(CompressionType codec) {
        Random random = new Random(codec.ordinal());
        byte[] original = bytesOf(sampleBatch(codec, 6, 300));
        int failures = 0;
        for (int round = 0; round < 3000; round++) {
            ByteBuf mutated = Unpooled.wrappedBuffer(mutate(original, random));
            boolean fixCrc = random.nextBoolean();
            try {
                decodeEverything(mutated, fixCrc);
            } catch (Throwable t) {
                assertInstanceOf(ProtocolDecodeException.class, t, "round " + round);
                failures++;
            }
        }
        assertTrue(failures > 0);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void randomBytesDecompressOrFailWithCorruptRecordException(CompressionType codec) {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            try {
                codec.decompress(Unpooled.wrappedBuffer(garbage), 1 << 20).release();
            } catch (Throwable t) {
                assertInstanceOf(CorruptRecordException.class, t, "round " + round);
            }
        }
    }

    private static void decodeEverything(ByteBuf batches, boolean fixCrc) {
        for (RecordBatch batch : new RecordBatches(batches)) {
            if (fixCrc) {
                batch.updateCrc();
            }
            batch.ensureValid();
            for (Record record : batch) {
                record.headers().forEach(h -> h.key().length());
                if (batch.isControl()) {
                    EndTransactionMarker.decode(record);
                }
            }
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> bytes[at] = (byte) (random.nextBoolean() ? 0xff : 0x00);
                default -> bytes = Arrays.copyOf(bytes, Math.max(at, 1));
            }
        }
        return bytes;
    }

    private static RecordBatch withFixedCrc(ByteBuf bytes) {
        RecordBatch batch = RecordBatch.wrap(bytes);
        batch.updateCrc();
        return batch;
    }

    /** One uncompressed record with key "k" and value "v" at the batch's base offset and timestamp. */
    private static ByteBuf singleRecordBatch() {
        return new RecordBatchBuilder(CompressionType.NONE).append(T0, utf8("k"), utf8("v"), List.of()).build();
    }

    private static ByteBuf sampleBatch(CompressionType codec, int records, int valueSize) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec).producer(5, (short) 0, 0);
        for (int i = 0; i < records; i++) {
            builder.append(T0 + i, utf8("key-" + i), utf8("v".repeat(valueSize) + i), List.of(new Record.Header("h" + i, i % 2 == 0 ? null : utf8("x"))));
        }
        return builder.build();
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytesOf(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
