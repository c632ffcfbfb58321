package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MockClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final KafkaMetricName MESSAGES_IN =
            KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec");
    private static final KafkaMetricName MESSAGES_IN_T =
            KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t");
    private static final KafkaMetricName TOTAL_TIME =
            KafkaMetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Produce");
    private static final KafkaMetricName PARTITION_COUNT =
            KafkaMetricName.of("kafka.server", "ReplicaManager", "PartitionCount");

    private final MockClock clock = new MockClock();
    private final List<BrokerMetrics> opened = new ArrayList<>();

    private BrokerMetrics metrics(boolean jmx) {
        BrokerMetrics m = BrokerMetrics.create(true, jmx, clock);
        opened.add(m);
        return m;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(BrokerMetrics::close);
    }

    @Test
    void meterIsACounterNamedWithTotalInTheScrape() {
        BrokerMetrics m = metrics(false);
        m.meter(MESSAGES_IN, "messages").mark(5);
        m.meter(MESSAGES_IN_T, "messages").mark(3);

        String text = m.scrape();

        assertTrue(text.contains("# TYPE kafka_server_brokertopicmetrics_messagesin_total counter"), text);
        assertTrue(text.contains("\nkafka_server_brokertopicmetrics_messagesin_total 5.0\n"), text);
        assertTrue(text.contains("\nkafka_server_brokertopicmetrics_messagesin_total{topic=\"t\"} 3.0\n"), text);
    }

    @Test
    void timerIsASummaryInMillisecondsWithKafkasQuantiles() {
        BrokerMetrics m = metrics(false);
        KafkaTimer t = m.timer(TOTAL_TIME);
        t.record(4);
        t.recordNanos(6_000_000);

        String text = m.scrape();

        assertTrue(text.contains("# TYPE kafka_network_requestmetrics_totaltimems summary"), text);
        for (String q : new String[] {"0.5", "0.75", "0.95", "0.98", "0.99", "0.999"}) {
            assertTrue(text.contains("kafka_network_requestmetrics_totaltimems{quantile=\"" + q + "\",request=\"Produce\"}")
                    || text.contains("kafka_network_requestmetrics_totaltimems{request=\"Produce\",quantile=\"" + q + "\"}"),
                    q + " missing in " + text);
        }
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 2\n"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_sum{request=\"Produce\"} 10.0\n"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_max{request=\"Produce\"} 6.0\n"), text);
    }

    @Test
    void timerScrapeHasMicrometersLayoutWithHelpAndTypeForTheSummaryAndTheMax() {
        BrokerMetrics m = metrics(false);
        m.timer(TOTAL_TIME).recordNanos(1_500_000);
        m.timer(KafkaMetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Fetch"));

        String text = m.scrape();

        double bucketOf1500us = LogLinearBuckets.representative(LogLinearBuckets.index(1_500_000)) / 1e6;
        assertEquals(1.5, bucketOf1500us, 1.5 * LogLinearBuckets.RELATIVE_ERROR);
        String help = "# HELP kafka_network_requestmetrics_totaltimems kafka.network:type=RequestMetrics,name=TotalTimeMs\n"
                + "# TYPE kafka_network_requestmetrics_totaltimems summary\n";
        StringBuilder summary = new StringBuilder(help);
        for (String q : new String[] {"0.5", "0.75", "0.95", "0.98", "0.99", "0.999"}) {
            summary.append("kafka_network_requestmetrics_totaltimems{request=\"Fetch\",quantile=\"").append(q)
                    .append("\"} 0.0\n");
        }
        summary.append("kafka_network_requestmetrics_totaltimems_count{request=\"Fetch\"} 0\n")
                .append("kafka_network_requestmetrics_totaltimems_sum{request=\"Fetch\"} 0.0\n");
        for (String q : new String[] {"0.5", "0.75", "0.95", "0.98", "0.99", "0.999"}) {
            summary.append("kafka_network_requestmetrics_totaltimems{request=\"Produce\",quantile=\"").append(q)
                    .append("\"} ").append(bucketOf1500us).append("\n");
        }
        summary.append("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 1\n")
                .append("kafka_network_requestmetrics_totaltimems_sum{request=\"Produce\"} 1.5\n")
                .append("# HELP kafka_network_requestmetrics_totaltimems_max kafka.network:type=RequestMetrics,name=TotalTimeMs\n")
                .append("# TYPE kafka_network_requestmetrics_totaltimems_max gauge\n")
                .append("kafka_network_requestmetrics_totaltimems_max{request=\"Fetch\"} 0.0\n")
                .append("kafka_network_requestmetrics_totaltimems_max{request=\"Produce\"} 1.5\n");
        assertTrue(text.contains(summary), text);
    }

    @Test
    void timerPercentilesFollowTheWindowAndCountAndSumStayAllTime() {
        BrokerMetrics m = metrics(false);
        KafkaTimer t = m.timer(TOTAL_TIME);
        t.record(40);
        clock.add(Duration.ofSeconds(30));
        m.scrape();
        t.record(2);
        clock.add(Duration.ofSeconds(30));
        m.scrape();
        clock.add(Duration.ofSeconds(60));

        String text = m.scrape();

        for (String q : new String[] {"0.5", "0.999"}) {
            assertEquals(2.0, value(text, "kafka_network_requestmetrics_totaltimems{request=\"Produce\",quantile=\"" + q + "\"}"),
                    2.0 * LogLinearBuckets.RELATIVE_ERROR, "the 40 ms sample has left the window: " + text);
        }
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_max{request=\"Produce\"} 2.0\n"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 2\n"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_sum{request=\"Produce\"} 42.0\n"), text);
    }

    @Test
    void removedTimerLeavesTheScrapeAndOtherTimersStay() {
        BrokerMetrics m = metrics(true);
        m.timer(TOTAL_TIME).record(3);
        KafkaMetricName fetch = KafkaMetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Fetch");
        m.timer(fetch).record(5);
        KafkaMetricName local = KafkaMetricName.of("kafka.network", "RequestMetrics", "LocalTimeMs", "request", "Produce");
        m.timer(local).record(1);

        m.remove(TOTAL_TIME);
        m.removeMatching(local::equals);

        String text = m.scrape();
        assertFalse(text.contains("request=\"Produce\""), text);
        assertFalse(text.contains("localtimems"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_count{request=\"Fetch\"} 1\n"), text);
        assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_max{request=\"Fetch\"} 5.0\n"), text);
        assertFalse(SERVER.isRegistered(TOTAL_TIME.objectName()));
        KafkaTimer fresh = m.timer(TOTAL_TIME);
        assertEquals(0, fresh.count());
        assertTrue(m.scrape().contains("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 0\n"));

        m.remove(fetch);
        m.remove(TOTAL_TIME);
        assertFalse(m.scrape().contains("kafka_network_requestmetrics_totaltimems"), m.scrape());
    }

    @Test
    void gaugeIsReadAtScrapeTime() {
        BrokerMetrics m = metrics(false);
        AtomicInteger partitions = new AtomicInteger(3);
        m.gauge(PARTITION_COUNT, partitions::get);
        partitions.set(7);

        String text = m.scrape();

        assertTrue(text.contains("# TYPE kafka_server_replicamanager_partitioncount gauge"), text);
        assertTrue(text.contains("\nkafka_server_replicamanager_partitioncount 7.0\n"), text);
    }

    @Test
    void labelValuesAreEscapedInTheScrape() {
        BrokerMetrics m = metrics(false);
        m.meter(KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "BytesInPerSec", "topic", "a\"b\\c\nd"),
                "bytes").mark();

        String text = m.scrape();

        assertTrue(text.contains("kafka_server_brokertopicmetrics_bytesin_total{topic=\"a\\\"b\\\\c\\nd\"} 1.0"), text);
    }

    @Test
    void otherCharactersInNamesBecomeUnderscores() {
        BrokerMetrics m = metrics(false);
        m.gauge(KafkaMetricName.of("kafka.server", "group-coordinator-metrics", "group-count", "protocol", "classic"),
                () -> 2);

        assertTrue(m.scrape().contains("\nkafka_server_group_coordinator_metrics_group_count{protocol=\"classic\"} 2.0\n"),
                m.scrape());
    }

    @Test
    void consumerLagUsesKafkaExporterNamesInPrometheusAndOurJmxName() throws Exception {
        BrokerMetrics m = metrics(true);
        KafkaMetricName lag = KafkaMetricName.of("kafka.server", "ConsumerLag", "Lag",
                "group", "g1", "topic", "t", "partition", "0");
        KafkaMetricName committed = KafkaMetricName.of("kafka.server", "ConsumerLag", "CommittedOffset",
                "group", "g1", "topic", "t", "partition", "0");
        m.gauge(lag, () -> 17);
        m.gauge(committed, () -> 83);

        String text = m.scrape();

        assertTrue(text.contains("\nkafka_consumergroup_lag{consumergroup=\"g1\",partition=\"0\",topic=\"t\"} 17.0\n"), text);
        assertTrue(text.contains("\nkafka_consumergroup_current_offset{consumergroup=\"g1\",partition=\"0\",topic=\"t\"} 83.0\n"),
                text);
        assertEquals(17.0, SERVER.getAttribute(
                new ObjectName("kafka.server:type=ConsumerLag,name=Lag,group=g1,topic=t,partition=0"), "Value"));
    }

    @Test
    void jvmAndProcessMetricsAreBound() {
        String text = metrics(false).scrape();

        for (String series : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "system_cpu_count", "process_uptime_seconds"}) {
            assertTrue(text.contains(series), series + " missing");
        }
    }

    @Test
    void registrationIsIdempotent() {
        BrokerMetrics m = metrics(true);

        assertSame(m.meter(MESSAGES_IN_T, "messages"),
                m.meter(KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t"), "messages"));
        assertSame(m.timer(TOTAL_TIME), m.timer(TOTAL_TIME));
    }

    @Test
    void concurrentRegistrationYieldsOneInstance() throws Exception {
        BrokerMetrics m = metrics(true);
        Set<KafkaMeter> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                KafkaMeter meter = m.meter(MESSAGES_IN_T, "messages");
                meter.mark();
                seen.add(meter);
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }

        assertEquals(1, seen.size());
        assertEquals(8, seen.iterator().next().count());
    }

    @Test
    void aNameKeepsItsKind() {
        BrokerMetrics m = metrics(false);
        m.meter(MESSAGES_IN, "messages");

        assertThrows(IllegalArgumentException.class, () -> m.timer(MESSAGES_IN));
        assertThrows(IllegalArgumentException.class, () -> m.gauge(MESSAGES_IN, () -> 1));
    }

    @Test
    void meterMBeanHasKafkasAttributesAndTypes() throws Exception {
        BrokerMetrics m = metrics(true);
        m.meter(MESSAGES_IN_T, "messages").mark(42);
        ObjectName on = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=t");

        assertEquals(Map.of("Count", "long", "EventType", "java.lang.String", "RateUnit", "java.lang.String",
                "MeanRate", "double", "OneMinuteRate", "double", "FiveMinuteRate", "double",
                "FifteenMinuteRate", "double"), attributeTypes(on));
        assertEquals(42L, SERVER.getAttribute(on, "Count"));
        assertEquals("messages", SERVER.getAttribute(on, "EventType"));
        assertEquals("SECONDS", SERVER.getAttribute(on, "RateUnit"));
        clock.add(Duration.ofSeconds(10));
        assertEquals(4.2, (Double) SERVER.getAttribute(on, "MeanRate"), 1e-9);
    }

    @Test
    void histogramMBeanHasKafkasAttributesAndValues() throws Exception {
        BrokerMetrics m = metrics(true);
        KafkaTimer t = m.timer(TOTAL_TIME);
        for (long v : new long[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            t.record(v);
        }
        ObjectName on = new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce");

        Map<String, String> types = attributeTypes(on);
        assertEquals(Set.of("Count", "Min", "Max", "Mean", "StdDev", "50thPercentile", "75thPercentile",
                "95thPercentile", "98thPercentile", "99thPercentile", "999thPercentile"), types.keySet());
        assertEquals("long", types.get("Count"));
        types.remove("Count");
        assertEquals(Set.of("double"), Set.copyOf(types.values()));
        assertEquals(8L, SERVER.getAttribute(on, "Count"));
        assertEquals(2.0, SERVER.getAttribute(on, "Min"));
        assertEquals(9.0, SERVER.getAttribute(on, "Max"));
        assertEquals(5.0, SERVER.getAttribute(on, "Mean"));
        assertEquals(Math.sqrt(32.0 / 7), (Double) SERVER.getAttribute(on, "StdDev"), 1e-9);
        double p50 = (Double) SERVER.getAttribute(on, "50thPercentile");
        double p75 = (Double) SERVER.getAttribute(on, "75thPercentile");
        double p999 = (Double) SERVER.getAttribute(on, "999thPercentile");
        assertEquals(4.0, p50, 4.0 * LogLinearBuckets.RELATIVE_ERROR, "p50");
        assertEquals(5.0, p75, 5.0 * LogLinearBuckets.RELATIVE_ERROR, "p75");
        assertEquals(9.0, p999, "p999 is the window's maximum");
    }

    @Test
    void gaugeMBeanHasValue() throws Exception {
        BrokerMetrics m = metrics(true);
        AtomicInteger partitions = new AtomicInteger(3);
        m.gauge(PARTITION_COUNT, partitions::get);
        ObjectName on = new ObjectName("kafka.server:type=ReplicaManager,name=PartitionCount");
        partitions.set(11);

        assertEquals(Map.of("Value", "java.lang.Object"), attributeTypes(on));
        assertEquals(11.0, SERVER.getAttribute(on, "Value"));
    }

    @Test
    void gaugeRegisteredAgainReadsTheNewSupplier() throws Exception {
        BrokerMetrics m = metrics(true);
        m.gauge(PARTITION_COUNT, () -> 1);
        m.gauge(PARTITION_COUNT, () -> 2);

        assertEquals(2.0, SERVER.getAttribute(new ObjectName("kafka.server:type=ReplicaManager,name=PartitionCount"), "Value"));
        assertTrue(m.scrape().contains("\nkafka_server_replicamanager_partitioncount 2.0\n"));
    }

    @Test
    void quotedTagValueIsRegisteredUnderTheQuotedObjectName() throws Exception {
        BrokerMetrics m = metrics(true);
        KafkaMetricName name = KafkaMetricName.of("kafka.server", "FetcherStats", "BytesPerSec", "clientId", "c,1=x");
        m.meter(name, "bytes").mark(2);

        ObjectName on = new ObjectName("kafka.server:type=FetcherStats,name=BytesPerSec,clientId=" + ObjectName.quote("c,1=x"));
        assertEquals(2L, SERVER.getAttribute(on, "Count"));
    }

    @Test
    void removeUnregistersFromJmxAndPrometheus() throws Exception {
        BrokerMetrics m = metrics(true);
        m.meter(MESSAGES_IN_T, "messages").mark();
        m.meter(MESSAGES_IN, "messages").mark();
        ObjectName on = MESSAGES_IN_T.objectName();
        assertTrue(SERVER.isRegistered(on));

        m.remove(MESSAGES_IN_T);

        assertFalse(SERVER.isRegistered(on));
        assertFalse(m.scrape().contains("topic=\"t\""));
        assertTrue(SERVER.isRegistered(MESSAGES_IN.objectName()));
        KafkaMeter fresh = m.meter(MESSAGES_IN_T, "messages");
        assertEquals(0, fresh.count());
        assertTrue(SERVER.isRegistered(on));
    }

    @Test
    void removeMatchingUnregistersEveryMatch() {
        BrokerMetrics m = metrics(true);
        KafkaMetricName logSize0 = KafkaMetricName.of("kafka.log", "Log", "Size", "topic", "gone", "partition", "0");
        KafkaMetricName logSize1 = KafkaMetricName.of("kafka.log", "Log", "Size", "topic", "gone", "partition", "1");
        KafkaMetricName kept = KafkaMetricName.of("kafka.log", "Log", "Size", "topic", "kept", "partition", "0");
        for (KafkaMetricName n : List.of(logSize0, logSize1, kept)) {
            m.gauge(n, () -> 1);
        }

        m.removeMatching(n -> "gone".equals(n.tag("topic")));

        assertFalse(SERVER.isRegistered(logSize0.objectName()));
        assertFalse(SERVER.isRegistered(logSize1.objectName()));
        assertTrue(SERVER.isRegistered(kept.objectName()));
        String text = m.scrape();
        assertFalse(text.contains("topic=\"gone\""), text);
        assertTrue(text.contains("topic=\"kept\""), text);
    }

    @Test
    void closeUnregistersAllMBeans() {
        BrokerMetrics m = BrokerMetrics.create(true, true, clock);
        m.meter(MESSAGES_IN, "messages");
        m.timer(TOTAL_TIME);
        m.gauge(PARTITION_COUNT, () -> 1);

        m.close();

        assertFalse(SERVER.isRegistered(MESSAGES_IN.objectName()));
        assertFalse(SERVER.isRegistered(TOTAL_TIME.objectName()));
        assertFalse(SERVER.isRegistered(PARTITION_COUNT.objectName()));
    }

    @Test
    void afterCloseRegistrationsAreNoOpsAndCloseIsIdempotent() {
        BrokerMetrics m = BrokerMetrics.create(true, true, clock);
        m.close();

        KafkaMeter meter = m.meter(MESSAGES_IN, "messages");
        meter.mark();
        m.close();

        assertEquals(0, meter.count());
        assertFalse(SERVER.isRegistered(MESSAGES_IN.objectName()));
        assertEquals("", m.scrape());
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        BrokerMetrics m = metrics(true);
        KafkaTimer timer = m.timer(TOTAL_TIME);
        KafkaMeter meter = m.meter(MESSAGES_IN, "messages");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread th = new Thread(() -> {
                for (int i = 1; i <= 10_000; i++) {
                    timer.record(i + offset);
                    meter.mark();
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        ObjectName on = TOTAL_TIME.objectName();

        assertEquals(40_000L, timer.count());
        assertEquals(40_000L, meter.count());
        assertEquals(1.0, SERVER.getAttribute(on, "Min"));
        assertEquals(10_003.0, SERVER.getAttribute(on, "Max"));
        assertEquals((4 * 50_005_000.0 + 10_000 * 6) / 40_000, (Double) SERVER.getAttribute(on, "Mean"), 1e-9);
    }

    @Test
    void aSecondInstanceLeavesTheFirstInstancesMBeans() throws Exception {
        BrokerMetrics first = metrics(true);
        BrokerMetrics second = metrics(true);
        first.meter(MESSAGES_IN, "messages").mark(1);
        second.meter(MESSAGES_IN, "messages").mark(5);

        second.close();

        assertEquals(1L, SERVER.getAttribute(MESSAGES_IN.objectName(), "Count"));
    }

    @Test
    void withoutJmxNothingIsRegisteredInTheMBeanServer() {
        BrokerMetrics m = metrics(false);
        m.meter(MESSAGES_IN, "messages").mark();

        assertFalse(SERVER.isRegistered(MESSAGES_IN.objectName()));
        assertTrue(m.scrape().contains("kafka_server_brokertopicmetrics_messagesin_total 1.0"));
    }

    @Test
    void disabledMetricsAreNoOps() {
        BrokerMetrics m = BrokerMetrics.create(false, true);
        opened.add(m);
        KafkaMeter meter = m.meter(MESSAGES_IN, "messages");
        meter.mark(10);
        KafkaTimer timer = m.timer(TOTAL_TIME);
        timer.record(3);
        m.gauge(PARTITION_COUNT, () -> 1);

        assertEquals(0, meter.count());
        assertEquals(0, timer.count());
        assertEquals("", m.scrape());
        assertFalse(SERVER.isRegistered(MESSAGES_IN.objectName()));
        assertFalse(SERVER.isRegistered(PARTITION_COUNT.objectName()));
        assertSame(BrokerMetrics.noop().meter(MESSAGES_IN, "x"), meter);
        assertEquals("", BrokerMetrics.noop().scrape());
    }

    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError(series + " missing in " + scrape);
    }

    private static Map<String, String> attributeTypes(ObjectName on) throws Exception {
        Map<String, String> types = new HashMap<>();
        for (MBeanAttributeInfo a : SERVER.getMBeanInfo(on).getAttributes()) {
            types.put(a.getName(), a.getType());
        }
        return types;
    }
}
