package io.fjord.benchmarks;

import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.metrics.KafkaMeter;
import io.fjord.metrics.KafkaMetricName;
import io.fjord.metrics.KafkaTimer;
import io.fjord.metrics.RequestMetrics;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot-path cost of the metrics module: {@code mark} is one {@link KafkaMeter#mark(long)} (a LongAdder
 * add), {@code record} one {@link KafkaTimer#recordNanos(long)} (the lock-free latency histogram: count, sum
 * and sum-of-squares adders, one atomic bucket increment, min/max compared and CAS'ed only when they change),
 * with durations spread over 18 buckets between 1 and 2.05 ms. {@code enabled=false} measures the no-op
 * meters the broker gets with {@code metrics.enabled=false}. Two threads share each meter by default, as two
 * Netty event loops do; {@code -t 1} gives the uncontended cost. Figures: docs/metrics.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@Threads(2)
public class MetricsRecordBenchmark {

    @Param({"true", "false"})
    public boolean enabled;

    private BrokerMetrics metrics;
    private KafkaMeter meter;
    private KafkaTimer timer;
    private RequestMetrics produce;
    private BrokerTopicMetrics topic;

    @Setup
    public void setUp() {
        metrics = BrokerMetrics.create(enabled, false);
        meter = metrics.meter(KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t"),
                "messages");
        timer = metrics.timer(KafkaMetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Produce"));
        produce = new RequestMetrics(metrics, "Produce", 12);
        topic = new BrokerTopicMetrics.Topics(metrics).topic("t");
    }

    @TearDown
    public void tearDown() {
        metrics.close();
    }

    @Benchmark
    public void mark() {
        meter.mark(10);
    }

    @State(Scope.Thread)
    public static class Durations {
        long next;
    }

    @Benchmark
    public void record(Durations durations) {
        timer.recordNanos(1_000_000 + (durations.next++ & 0xFFFFF));
    }

    /**
     * Everything the broker records for one Produce request to one partition: RequestsPerSec of its version and
     * the five phase timers ({@link RequestMetrics#record}, into the thread's cell), ErrorsPerSec NONE for its one
     * partition ({@link RequestMetrics#countError}), and the topic's TotalProduceRequestsPerSec, MessagesInPerSec
     * and BytesInPerSec (each also broker-wide).
     */
    @Benchmark
    public void produceRequest(Durations durations) {
        long received = durations.next++ & 0xFFFFF;
        produce.record(9, received, received + 20_000, received + 180_000, received + 180_000, received + 200_000,
                received + 260_000);
        produce.countError(0, code -> "NONE");
        topic.markProduceRequest();
        topic.markAppended(10, 1024);
    }
}
