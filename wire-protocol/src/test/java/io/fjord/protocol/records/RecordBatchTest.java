package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Behaviour of our batch view, builder and control records beyond what the Kafka comparisons cover. */
class RecordBatchTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void uncompressedKeysValuesAndHeaderValuesShareTheBatchMemory() {
        // given
        ByteBuf bytes = new RecordBatchBuilder(CompressionType.NONE)
                .append(T0, utf8("key"), utf8("value"), List.of(new Record.Header("h", utf8("hv"))))
                .build();
        Record record = RecordBatch.wrap(bytes).iterator().next();

        // when
        for (int i = RecordBatch.HEADER_SIZE; i < bytes.readableBytes(); i++) {
            bytes.setByte(i, Character.toUpperCase(bytes.getByte(i)));
        }

        // then
        assertEquals("KEY", record.key().toString(StandardCharsets.UTF_8));
        assertEquals("VALUE", record.value().toString(StandardCharsets.UTF_8));
        assertEquals("HV", record.headers().get(0).value().toString(StandardCharsets.UTF_8));
    }

    @Test
    void aViewStartsAtTheBuffersReaderIndex() {
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).baseOffset(77).append(T0, null, utf8("v"), List.of()).build();
        ByteBuf withPrefix = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[5]), batch).skipBytes(5);

        RecordBatch view = RecordBatch.wrap(withPrefix);

        assertEquals(77, view.baseOffset());
        assertEquals(78, view.nextOffset());
        view.ensureValid();
    }

    @Test
    void iterationBeyondTheLastRecordThrowsNoSuchElement() {
        Iterator<Record> records = RecordBatch.wrap(new RecordBatchBuilder(CompressionType.GZIP).append(T0, null, null, List.of()).build()).iterator();
        records.next();

        assertFalse(records.hasNext());
        assertThrows(NoSuchElementException.class, records::next);
    }

    @Test
    void theBuilderRefusesAnEmptyBatchAndOffsetsThatDoNotIncrease() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        assertThrows(IllegalStateException.class, builder::build);

        builder.append(new Record(10, T0, null, null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> builder.append(new Record(10, T0, null, null, List.of())));
        assertThrows(IllegalStateException.class, () -> builder.baseOffset(11).build());
        assertThrows(IllegalStateException.class, () -> builder.baseOffset(10L - Integer.MAX_VALUE - 1).build());
    }

    @Test
    void endTransactionMarkersRoundTripThroughAControlRecord() {
        EndTransactionMarker marker = new EndTransactionMarker(ControlRecordType.ABORT, 31);
        ByteBuf bytes = new RecordBatchBuilder(CompressionType.NONE).control(true).transactional(true).producer(3, (short) 1, -1)
                .append(T0, marker.type().encodeKey(), marker.encodeValue(), List.of())
                .build();

        Record record = RecordBatch.wrap(bytes).iterator().next();

        assertEquals(marker, EndTransactionMarker.decode(record));
    }

    @Test
    void malformedControlKeysAndMarkerValuesAreCorrupt() {
        ByteBuf commitKey = ControlRecordType.COMMIT.encodeKey();
        assertThrows(CorruptRecordException.class, () -> ControlRecordType.decodeKey(null));
        assertThrows(CorruptRecordException.class, () -> ControlRecordType.decodeKey(Unpooled.wrappedBuffer(new byte[3])));
        assertThrows(CorruptRecordException.class, () -> ControlRecordType.decodeKey(Unpooled.buffer().writeShort(-1).writeShort(0)));
        assertThrows(CorruptRecordException.class, () -> ControlRecordType.decodeKey(Unpooled.buffer().writeShort(0).writeShort(2)));
        assertThrows(CorruptRecordException.class, () -> EndTransactionMarker.decode(new Record(0, T0, commitKey, null, List.of())));
        assertThrows(CorruptRecordException.class,
                () -> EndTransactionMarker.decode(new Record(0, T0, commitKey, Unpooled.wrappedBuffer(new byte[5]), List.of())));
        assertThrows(CorruptRecordException.class,
                () -> EndTransactionMarker.decode(new Record(0, T0, commitKey, Unpooled.buffer().writeShort(-1).writeInt(0), List.of())));
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
