package io.fjord.benchmarks;

import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.ResponseHeader;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Encoding a Fetch response (v16: header plus one topic with 8 partitions of {@code recordBytes} each).
 * {@code gathering} is the broker's path: records are referenced as retained slices in a composite
 * buffer, so allocation per operation (gc.alloc.rate.norm with {@code -prof gc}) is independent of the
 * record bytes, and so is time. {@code copying} writes everything into one buffer, the baseline the gathering writer avoids.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FetchResponseEncodeBenchmark {
    private static final short VERSION = 16;
    private static final int PARTITIONS = 8;
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final ResponseHeader header = new ResponseHeader(11);
    @Param({"16384", "1048576"})
    public int recordBytes;
    private ByteBuf batch;
    private FetchResponse response;

    @Setup
    public void setUp() {
        batch = Batches.uncompressed(recordBytes);
        List<FetchResponse.PartitionData> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new FetchResponse.PartitionData()
                    .setPartitionIndex(p)
                    .setHighWatermark(1_000_000L)
                    .setLastStableOffset(1_000_000L)
                    .setLogStartOffset(0L)
                    .setRecords(batch.slice()));
        }
        response = new FetchResponse()
                .setSessionId(1)
                .setResponses(List.of(new FetchResponse.FetchableTopicResponse()
                        .setTopicId(Uuid.randomUuid())
                        .setPartitions(partitions)));
    }

    @TearDown
    public void tearDown() {
        batch.release();
    }

    @Benchmark
    public void gathering(Blackhole hole) {
        short headerVersion = ResponseHeader.headerVersion(FetchResponse.API_KEY, VERSION);
        ProtocolWriter writer = ProtocolWriter.gathering(allocator, 256);
        header.write(writer, headerVersion);
        response.write(writer, VERSION);
        ByteBuf out = writer.finish();
        hole.consume(out.readableBytes());
        out.release();
    }

    @Benchmark
    public void copying(Blackhole hole) {
        short headerVersion = ResponseHeader.headerVersion(FetchResponse.API_KEY, VERSION);
        ByteBuf out = allocator.buffer(header.size(headerVersion) + response.size(VERSION));
        ProtocolWriter writer = new ProtocolWriter(out);
        header.write(writer, headerVersion);
        response.write(writer, VERSION);
        hole.consume(out.readableBytes());
        out.release();
    }
}
