package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.DoublePredicate;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus server (Debian package {@code prometheus}, installed by
 * {@code integration-tests/scripts/install-test-clients.sh}) scrapes a bin/broker's {@code http.listener /metrics}
 * every second while stock clients run a known workload; the values are then read back through Prometheus' HTTP
 * query API, so the test covers the text format as Prometheus parses it, the names in docs/metrics.md, and the
 * values. A missing Prometheus fails the test with a message naming the install script.
 */
class PrometheusIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final int RECORDS = 40;
    private static final int VALUE_BYTES = 200;
    private static final long COMMITTED = 15;
    /** Bytes a record of this test may take in a batch beyond its value: the record and batch headers, generously. */
    private static final int MAX_OVERHEAD_PER_RECORD = 100;

    @TempDir
    Path dir;

    @Test
    @Timeout(150)
    void prometheusScrapesTheWorkloadsMessageByteLatencyAndLagValues() throws Exception {
        PrometheusServer.requireInstalled();
        MetricsWorkload workload = new MetricsWorkload("prom-topic", 1, RECORDS, VALUE_BYTES, "prom-group", COMMITTED);
        try (BrokerProcess broker = BrokerProcess.started(dir.resolve("broker"), "offsets.topic.num.partitions=3");
             PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"),
                     "127.0.0.1:" + broker.httpPort());
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            awaitValue(prometheus, "the broker's /metrics target up", "up{job=\"fjord\"}", v -> v == 1);

            workload.run(broker.bootstrapServers(), admin);
            double finished = System.currentTimeMillis() / 1000.0;
            awaitValue(prometheus, "a scrape after the workload", "timestamp(up{job=\"fjord\"})", t -> t > finished + 0.1);

            assertAll(
                    () -> assertMessagesAndBytes(prometheus, workload),
                    () -> assertProduceLatency(prometheus),
                    () -> assertFetchTimes(prometheus),
                    () -> assertGroupLag(prometheus, workload),
                    () -> assertBrokerWideIsTheSumOfTopics(prometheus),
                    () -> assertEveryScrapeWasIngested(prometheus));
        }
    }

    /**
     * Messages in for the topic are exactly the records produced; bytes in lie between the values' bytes and a
     * generous per-record overhead, equal the partition's log size (the batches are stored as received), and
     * no more than the broker-wide count; the group read every record, so bytes out are at least bytes in.
     */
    private static void assertMessagesAndBytes(PrometheusServer prometheus, MetricsWorkload workload)
            throws InterruptedException {
        String topic = "{topic=\"" + workload.topic() + "\"}";
        awaitValue(prometheus, "messages in for the topic == " + RECORDS,
                "kafka_server_brokertopicmetrics_messagesin_total" + topic, v -> v == RECORDS);
        double allMessagesIn = prometheus.value("kafka_server_brokertopicmetrics_messagesin_total{topic=\"\"}");
        assertTrue(allMessagesIn >= RECORDS, "broker-wide messages in " + allMessagesIn + " < " + RECORDS);

        double bytesIn = prometheus.value("kafka_server_brokertopicmetrics_bytesin_total" + topic);
        assertTrue(bytesIn >= (double) RECORDS * VALUE_BYTES
                        && bytesIn <= (double) RECORDS * (VALUE_BYTES + MAX_OVERHEAD_PER_RECORD),
                "bytes in for " + RECORDS + " records of " + VALUE_BYTES + " bytes: " + bytesIn);
        double allBytesIn = prometheus.value("kafka_server_brokertopicmetrics_bytesin_total{topic=\"\"}");
        assertTrue(allBytesIn >= bytesIn, "broker-wide bytes in " + allBytesIn + " < the topic's " + bytesIn);
        awaitValue(prometheus, "the partition's log size == the topic's bytes in (" + bytesIn + ")",
                "kafka_log_log_size{topic=\"" + workload.topic() + "\",partition=\"0\"}", v -> v == bytesIn);
        double bytesOut = prometheus.value("kafka_server_brokertopicmetrics_bytesout_total" + topic);
        assertTrue(bytesOut >= bytesIn, "the group read every record once, yet bytes out " + bytesOut
                + " < bytes in " + bytesIn);
        double produceRequests = prometheus.value("kafka_server_brokertopicmetrics_totalproducerequests_total" + topic);
        assertTrue(produceRequests >= RECORDS, "produce requests for the topic: " + produceRequests);
    }

    /**
     * As in Kafka, where every append to a leader's log (also the group coordinator's writes to
     * __consumer_offsets) marks the topic's and the broker-wide MessagesIn/BytesIn together: the group's offset
     * commit is counted under __consumer_offsets, and each broker-wide count is the sum of the per-topic ones.
     */
    private static void assertBrokerWideIsTheSumOfTopics(PrometheusServer prometheus) {
        for (String meter : List.of("messagesin", "bytesin")) {
            String series = "kafka_server_brokertopicmetrics_" + meter + "_total";
            double offsetsTopic = prometheus.value(series + "{topic=\"__consumer_offsets\"}");
            assertTrue(offsetsTopic > 0, series + " for __consumer_offsets after a group committed: " + offsetsTopic
                    + "; " + prometheus.query(series));
            double allTopics = prometheus.value(series + "{topic=\"\"}");
            double sumOfTopics = prometheus.value("sum(" + series + "{topic!=\"\"})");
            assertEquals(sumOfTopics, allTopics, series + ": broker-wide vs the sum over topics; " + prometheus.query(series));
        }
    }

    /**
     * Prometheus ingested every scrape whole: no sample dropped as a duplicate series, out of order or out of
     * bounds, which a text exposition with two lines for one series (e.g. label order) would cause.
     */
    private static void assertEveryScrapeWasIngested(PrometheusServer prometheus) {
        for (String counter : List.of("prometheus_target_scrapes_sample_duplicate_timestamp_total",
                "prometheus_target_scrapes_sample_out_of_order_total",
                "prometheus_target_scrapes_sample_out_of_bounds_total")) {
            assertEquals(0.0, prometheus.ownMetric(counter), counter + "\n" + prometheus.log());
        }
        double samples = prometheus.value("scrape_samples_scraped{job=\"fjord\"}");
        assertTrue(samples > 100, "samples per scrape: " + samples);
    }

    /** The group's committed offset and lag (produced - committed) under kafka_exporter's names and labels. */
    private static void assertGroupLag(PrometheusServer prometheus, MetricsWorkload workload)
            throws InterruptedException {
        String partition = "{consumergroup=\"" + workload.group() + "\",topic=\"" + workload.topic()
                + "\",partition=\"0\"}";
        awaitValue(prometheus, "the group's committed offset == " + COMMITTED,
                "kafka_consumergroup_current_offset" + partition, v -> v == COMMITTED);
        awaitValue(prometheus, "the group's lag == " + workload.lag(),
                "kafka_consumergroup_lag" + partition, v -> v == workload.lag());
        assertEquals(workload.lag(), prometheus.value(
                "sum by (consumergroup) (kafka_consumergroup_lag{consumergroup=\"" + workload.group() + "\"})"),
                "lag summed over the group's partitions");
    }

    /**
     * Produce's TotalTimeMs summary as Prometheus stores it: every quantile Kafka's histogram shows, ordered, within
     * the request count's time, and a count of at least one request per record (each was sent alone), each
     * answered without error (ErrorsPerSec counts error NONE too, as Kafka does).
     */
    private static void assertProduceLatency(PrometheusServer prometheus) {
        String series = "kafka_network_requestmetrics_totaltimems";
        String produce = "request=\"Produce\"";
        double count = prometheus.value(series + "_count{" + produce + "}");
        assertTrue(count >= RECORDS, "Produce TotalTimeMs count " + count + " < " + RECORDS + " requests; "
                + prometheus.query("{__name__=~\"" + series + ".*\"}"));
        double sum = prometheus.value(series + "_sum{" + produce + "}");
        assertTrue(sum >= 0 && sum / count < 5_000, "Produce TotalTimeMs sum " + sum + " over " + count);
        double previous = 0;
        for (String quantile : List.of("0.5", "0.75", "0.95", "0.98", "0.99", "0.999")) {
            double value = prometheus.value(series + "{" + produce + ",quantile=\"" + quantile + "\"}");
            assertFalse(Double.isNaN(value), "no Produce TotalTimeMs quantile " + quantile);
            assertTrue(value >= previous && value < 10_000,
                    "Produce TotalTimeMs quantile " + quantile + " = " + value + " (previous quantile " + previous + ")");
            previous = value;
        }
        double requests = prometheus.value("sum(kafka_network_requestmetrics_requests_total{" + produce + "})");
        assertTrue(requests >= RECORDS, "Produce RequestsPerSec count over the versions: " + requests);
        double errorsNone = prometheus.value(
                "kafka_network_requestmetrics_errors_total{request=\"Produce\",error=\"NONE\"}");
        assertTrue(errorsNone >= RECORDS, "Produce ErrorsPerSec{error=NONE}: " + errorsNone + " < " + RECORDS);
    }

    /**
     * The group's idle poll made long-poll fetches wait fetch.max.wait.ms in purgatory: that wait is FetchConsumer's
     * RemoteTimeMs and part of its TotalTimeMs, not of its LocalTimeMs (windowed maxima, docs/metrics.md).
     */
    private static void assertFetchTimes(PrometheusServer prometheus) {
        String fetch = "{request=\"FetchConsumer\"}";
        double remote = prometheus.value("kafka_network_requestmetrics_remotetimems_max" + fetch);
        double local = prometheus.value("kafka_network_requestmetrics_localtimems_max" + fetch);
        double total = prometheus.value("kafka_network_requestmetrics_totaltimems_max" + fetch);
        String values = "FetchConsumer max remote " + remote + ", local " + local + ", total " + total + " ms; fetch.max.wait.ms "
                + MetricsWorkload.FETCH_MAX_WAIT_MS;
        assertTrue(remote >= MetricsWorkload.FETCH_MAX_WAIT_MS * 0.8 && remote < 5_000, values);
        assertTrue(total >= remote, values);
        assertTrue(local < remote, values);
    }

    @Test
    @Timeout(30)
    void theShippedPrometheusConfigIsValidAndScrapesTheDefaultHttpListener() throws Exception {
        PrometheusServer.requireInstalled();
        Path config = BrokerProcess.HOME.resolve("deploy/prometheus/prometheus.yml");
        Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "config", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(20, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, check.exitValue(), output);
        String text = Files.readString(config);
        assertTrue(text.contains("\"localhost:9404\""), "the single-node default http.listener is not a target:\n" + text);
        assertTrue(text.contains("metrics_path: /metrics"), text);
    }

    /** Polls {@code promql} (a single series) every 200 ms for up to 20 s until its value satisfies {@code expected}. */
    private static void awaitValue(PrometheusServer prometheus, String what, String promql, DoublePredicate expected)
            throws InterruptedException {
        DoubleSupplier value = () -> prometheus.value(promql);
        long deadline = System.currentTimeMillis() + 20_000;
        double last = value.getAsDouble();
        while (!expected.test(last)) {
            if (System.currentTimeMillis() > deadline) {
                String name = promql.replaceAll("[{(].*", "");
                List<PrometheusServer.Sample> near = prometheus.query("{__name__=~\"" + name + ".*\"}");
                throw new AssertionError("timed out after 20 s waiting for " + what + ": " + promql + " = " + last
                        + "; series of that name: " + near + "\n" + prometheus.log());
            }
            Thread.sleep(200);
            last = value.getAsDouble();
        }
    }
}
