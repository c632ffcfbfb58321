package io.fjord.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestMetricsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void recordSplitsTheStampsIntoKafkasPhasesInMilliseconds() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics produce = new RequestMetrics(metrics, "Produce", 13);
            long t0 = 1_000 * MS;
            produce.record(9, t0, t0 + 2 * MS, t0 + 7 * MS, t0 + 10 * MS, t0 + 11 * MS, t0 + 14 * MS);

            String scrape = metrics.scrape();
            assertLine(scrape, "kafka_network_requestmetrics_requests_total{request=\"Produce\",version=\"9\"} 1.0");
            assertLine(scrape, "kafka_network_requestmetrics_requestqueuetimems_sum{request=\"Produce\"} 2.0");
            assertLine(scrape, "kafka_network_requestmetrics_localtimems_sum{request=\"Produce\"} 5.0");
            assertLine(scrape, "kafka_network_requestmetrics_remotetimems_sum{request=\"Produce\"} 3.0");
            assertLine(scrape, "kafka_network_requestmetrics_responsesendtimems_sum{request=\"Produce\"} 3.0");
            assertLine(scrape, "kafka_network_requestmetrics_totaltimems_sum{request=\"Produce\"} 14.0");
            assertLine(scrape, "kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 1");
        }
    }

    @Test
    void versionAndErrorMetersAreRegisteredOnFirstUseAndThenReused() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics fetch = new RequestMetrics(metrics, "Fetch", 18);
            assertTrue(!metrics.scrape().contains("requests_total"), "no version series before a request");
            KafkaMeter v17 = fetch.requests(17);
            assertSame(v17, fetch.requests(17));
            int[] nameLookups = {0};
            KafkaMeter none = fetch.errors(0, code -> {
                nameLookups[0]++;
                return "NONE";
            });
            none.mark(2);
            fetch.errors(0, code -> {
                nameLookups[0]++;
                return "NONE";
            }).mark();
            assertEquals(1, nameLookups[0], "the error name is asked once per code");
            fetch.errors(-1, code -> "UNKNOWN_SERVER_ERROR").mark();
            String scrape = metrics.scrape();
            assertLine(scrape, "kafka_network_requestmetrics_errors_total{error=\"NONE\",request=\"Fetch\"} 3.0");
            assertLine(scrape, "kafka_network_requestmetrics_errors_total{error=\"UNKNOWN_SERVER_ERROR\",request=\"Fetch\"} 1.0");
            assertEquals(3, metrics.meter(KafkaMetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec",
                    "request", "Fetch", "error", "NONE"), "requests").count());
        }
    }

    @Test
    void versionsAndErrorsCountedByManyThreadsAddUpInTheirMeters() throws Exception {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics produce = new RequestMetrics(metrics, "Produce", 13);
            Thread[] threads = new Thread[3];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        produce.record(9, 0, 1, 2, 3, 4, 5);
                        produce.countError(0, code -> "NONE");
                        produce.countError(6, code -> "NOT_LEADER_OR_FOLLOWER");
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            produce.errors(6, code -> "NOT_LEADER_OR_FOLLOWER").mark();

            assertEquals(3_000, produce.requests(9).count());
            assertEquals(3_000, produce.totalTime().count());
            assertEquals(3_000, produce.errors(0, code -> "NONE").count());
            String scrape = metrics.scrape();
            assertLine(scrape, "kafka_network_requestmetrics_requests_total{request=\"Produce\",version=\"9\"} 3000.0");
            assertLine(scrape,
                    "kafka_network_requestmetrics_errors_total{error=\"NOT_LEADER_OR_FOLLOWER\",request=\"Produce\"} 3001.0");
            assertTrue(!scrape.contains("version=\"8\""), "no series for a version never seen");
        }
    }

    @Test
    void anErrorMeterRegisteredByHandFirstIsRefusedRatherThanLeftUncounted() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            metrics.meter(KafkaMetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request", "Produce",
                    "error", "NONE"), "requests");
            RequestMetrics produce = new RequestMetrics(metrics, "Produce", 13);

            assertThrows(IllegalArgumentException.class, () -> produce.countError(0, code -> "NONE"));
            RequestMetrics again = new RequestMetrics(metrics, "Produce", 13);
            again.countError(6, code -> "NOT_LEADER_OR_FOLLOWER");
            produce.countError(6, code -> "NOT_LEADER_OR_FOLLOWER");
            assertEquals(2, again.errors(6, code -> "NOT_LEADER_OR_FOLLOWER").count(), "the same name, the same counter");
        }
    }

    @Test
    void aVersionBeyondTheRangeIsStillCounted() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics versions = new RequestMetrics(metrics, "ApiVersions", 4);
            versions.requests(127).mark();
            versions.requests(127).mark();
            assertLine(metrics.scrape(),
                    "kafka_network_requestmetrics_requests_total{request=\"ApiVersions\",version=\"127\"} 2.0");
        }
    }

    @Test
    void disabledMetricsRecordNothing() {
        try (BrokerMetrics metrics = BrokerMetrics.create(false, false)) {
            RequestMetrics produce = new RequestMetrics(metrics, "Produce", 13);
            produce.record(9, 0, 1, 2, 3, 4, 5);
            assertEquals(0, produce.totalTime().count());
            assertEquals("", metrics.scrape());
        }
    }

    static void assertLine(String scrape, String line) {
        assertTrue(scrape.lines().anyMatch(line::equals), () -> "missing line " + line + " in\n" + scrape);
    }
}
