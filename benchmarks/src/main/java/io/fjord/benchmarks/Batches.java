package io.fjord.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

import java.nio.ByteBuffer;
import java.util.Random;

/** Record batches as a Java producer builds them (kafka-clients' MemoryRecordsBuilder), for benchmarks. */
final class Batches {
    private Batches() {
    }

    /**
     * An uncompressed v2 batch of 1 KiB values, about {@code targetBytes} long, in a direct buffer, from a
     * non-idempotent producer (appending it again and again is never a duplicate).
     */
    static ByteBuf uncompressed(int targetBytes) {
        return uncompressed(targetBytes, 1024);
    }

    /** As {@link #uncompressed(int)} with values of {@code valueBytes}; every record has a key and the current time. */
    static ByteBuf uncompressed(int targetBytes, int valueBytes) {
        Random random = new Random(42);
        byte[] value = new byte[valueBytes];
        ByteBuffer buffer = ByteBuffer.allocate(targetBytes + 4096);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                TimestampType.CREATE_TIME, 0L, System.currentTimeMillis(), RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        while (builder.estimatedSizeInBytes() + value.length + 64 < targetBytes) {
            random.nextBytes(value);
            builder.append(System.currentTimeMillis(), ("key-" + random.nextInt(1000)).getBytes(), value);
        }
        ByteBuffer batch = builder.build().buffer();
        ByteBuf direct = Unpooled.directBuffer(batch.remaining());
        direct.writeBytes(batch);
        return direct;
    }
}
