package io.fjord.benchmarks;

import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.ProduceRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decoding a Produce request (header + body, v13) that carries one 1 MiB record batch. The records field
 * must come out as a slice of the request buffer: run with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm}, which must stay under 1 KiB per operation (no copy of the 1 MiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProduceRequestDecodeBenchmark {
    private static final short VERSION = 13;
    private ByteBuf frame;

    @Setup
    public void setUp() {
        ByteBuf batch = Batches.uncompressed(1024 * 1024);
        ProduceRequest request = new ProduceRequest()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(List.of(new ProduceRequest.TopicProduceData()
                        .setTopicId(Uuid.randomUuid())
                        .setPartitionData(List.of(new ProduceRequest.PartitionProduceData().setIndex(0).setRecords(batch)))));
        RequestHeader header = new RequestHeader(ProduceRequest.API_KEY, VERSION, 7, "producer-1");
        frame = Unpooled.directBuffer(header.size() + request.size(VERSION));
        ProtocolWriter writer = new ProtocolWriter(frame);
        header.write(writer);
        request.write(writer, VERSION);
        batch.release();
    }

    @TearDown
    public void tearDown() {
        frame.release();
    }

    @Benchmark
    public ProduceRequest decodeHeaderAndBody() {
        frame.readerIndex(0);
        ProtocolReader reader = new ProtocolReader(frame);
        RequestHeader header = RequestHeader.read(reader);
        ProduceRequest request = new ProduceRequest();
        request.read(reader, header.apiVersion());
        return request;
    }
}
