package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Any batch our builder writes reads back, header and records, equal to what was written. */
class RecordBatchPropertyTest {
    private static final long T0 = 1_700_000_000_000L;

    /** A record to append, with its offset as a gap from the previous record's. */
    record RecordSpec(int offsetGap, long timestamp, ByteBuf key, ByteBuf value, List<Record.Header> headers) {
    }

    record BatchSpec(CompressionType codec, long baseOffset, int partitionLeaderEpoch, long producerId, short producerEpoch,
                     boolean transactional, Long logAppendTime, List<RecordSpec> records) {
        List<Record> expectedRecords() {
            List<Record> expected = new ArrayList<>();
            long offset = baseOffset - 1;
            for (RecordSpec spec : records) {
                offset += spec.offsetGap();
                expected.add(new Record(offset, spec.timestamp(), spec.key(), spec.value(), spec.headers()));
            }
            return expected;
        }

        ByteBuf build() {
            RecordBatchBuilder builder = new RecordBatchBuilder(codec)
                    .baseOffset(baseOffset)
                    .partitionLeaderEpoch(partitionLeaderEpoch)
                    .producer(producerId, producerEpoch, 0)
                    .transactional(transactional);
            if (logAppendTime != null) {
                builder.logAppendTime(logAppendTime);
            }
            expectedRecords().forEach(builder::append);
            return builder.build();
        }
    }

    @Property(tries = 400)
    void anyBatchWeWriteReadsBackEqual(@ForAll("batches") BatchSpec spec) {
        // given
        ByteBuf bytes = spec.build();

        // when
        RecordBatch batch = KafkaOracle.onlyBatch(bytes);
        List<Record> read = new ArrayList<>();
        batch.forEach(read::add);

        // then
        batch.ensureValid();
        List<Record> expected = spec.expectedRecords();
        assertEquals(spec.codec(), batch.compressionType());
        assertEquals(spec.baseOffset(), batch.baseOffset());
        assertEquals(expected.get(expected.size() - 1).offset(), batch.lastOffset());
        assertEquals(spec.partitionLeaderEpoch(), batch.partitionLeaderEpoch());
        assertEquals(spec.producerId(), batch.producerId());
        assertEquals(spec.producerEpoch(), batch.producerEpoch());
        assertEquals(spec.transactional(), batch.isTransactional());
        assertEquals(expected.size(), batch.recordCount());
        if (spec.logAppendTime() == null) {
            assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
            assertEquals(expected.stream().mapToLong(Record::timestamp).max().orElseThrow(), batch.maxTimestamp());
            assertEquals(expected, read);
        } else {
            assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
            assertEquals(spec.logAppendTime(), batch.maxTimestamp());
            assertEquals(expected.stream().map(r -> new Record(r.offset(), spec.logAppendTime(), r.key(), r.value(), r.headers())).toList(), read);
        }
    }

    @Property(tries = 200)
    void anyBytesCompressAndDecompressToThemselves(@ForAll("codecs") CompressionType codec, @ForAll("payloads") byte[] payload) {
        ByteBuf compressed = Unpooled.buffer();
        codec.compress(Unpooled.wrappedBuffer(payload), compressed);

        ByteBuf decompressed = codec.decompress(compressed, payload.length);

        assertEquals(Unpooled.wrappedBuffer(payload), decompressed);
    }

    @Provide
    Arbitrary<CompressionType> codecs() {
        return Arbitraries.of(CompressionType.class);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200_000);
        Arbitrary<byte[]> repetitive = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20)
                .flatMap(unit -> Arbitraries.integers().between(1, 20_000).map(times -> repeat(unit, times)));
        return Arbitraries.oneOf(random, repetitive);
    }

    @Provide
    Arbitrary<BatchSpec> batches() {
        Arbitrary<ByteBuf> nullableBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(Unpooled::wrappedBuffer).injectNull(0.2);
        Arbitrary<String> headerKeys = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(12);
        Arbitrary<Record.Header> headers = Combinators.combine(headerKeys, nullableBytes).as(Record.Header::new);
        Arbitrary<RecordSpec> records = Combinators.combine(
                Arbitraries.integers().between(1, 3),
                Arbitraries.longs().between(T0 - 10_000_000_000L, T0 + 10_000_000_000L),
                nullableBytes,
                nullableBytes,
                headers.list().ofMaxSize(4)).as(RecordSpec::new);
        return Combinators.combine(
                codecs(),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
                Arbitraries.integers().between(-1, Integer.MAX_VALUE),
                Arbitraries.longs().between(-1, Long.MAX_VALUE),
                Arbitraries.shorts().between((short) -1, Short.MAX_VALUE),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, T0 * 2).injectNull(0.5),
                records.list().ofMinSize(1).ofMaxSize(30)).as(BatchSpec::new);
    }

    private static byte[] repeat(byte[] unit, int times) {
        byte[] bytes = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, bytes, i * unit.length, unit.length);
        }
        return bytes;
    }
}
