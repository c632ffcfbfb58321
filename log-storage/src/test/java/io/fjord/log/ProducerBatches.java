package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.ControlRecordType;
import io.fjord.protocol.records.EndTransactionMarker;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** Record batches as a leader would have stored them: offsets assigned, one small record per offset. */
final class ProducerBatches {
    private ProducerBatches() {
    }

    static RecordBatch idempotent(long baseOffset, long producerId, int epoch, int baseSequence, int records, long timestamp) {
        return data(baseOffset, records, timestamp, b -> b.producer(producerId, (short) epoch, baseSequence));
    }

    static RecordBatch transactional(long baseOffset, long producerId, int epoch, int baseSequence, int records, long timestamp) {
        return data(baseOffset, records, timestamp, b -> b.producer(producerId, (short) epoch, baseSequence).transactional(true));
    }

    static RecordBatch plain(long baseOffset, int records, long timestamp) {
        return data(baseOffset, records, timestamp, b -> { });
    }

    static RecordBatch marker(long offset, long producerId, int epoch, ControlRecordType type, int coordinatorEpoch, long timestamp) {
        EndTransactionMarker marker = new EndTransactionMarker(type, coordinatorEpoch);
        return RecordBatch.wrap(new RecordBatchBuilder(CompressionType.NONE).baseOffset(offset)
                .producer(producerId, (short) epoch, -1).transactional(true).control(true)
                .append(timestamp, type.encodeKey(), marker.encodeValue(), List.of())
                .build());
    }

    private static RecordBatch data(long baseOffset, int records, long timestamp, Consumer<RecordBatchBuilder> producer) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).baseOffset(baseOffset);
        producer.accept(builder);
        for (int i = 0; i < records; i++) {
            builder.append(timestamp, null, Unpooled.wrappedBuffer(("v" + i).getBytes(StandardCharsets.UTF_8)), List.of());
        }
        return RecordBatch.wrap(builder.build());
    }
}
