package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /metrics of an in-process broker after stock clients produced and consumed: the kafka.server
 * BrokerTopicMetrics per topic and broker-wide, and the kafka.network RequestMetrics of Produce and Fetch, in
 * the Prometheus names of docs/metrics.md; and metrics.enabled=false serving an empty body.
 */
@Timeout(120)
class MetricsEndpointIT {
    private static final String TOPIC = "metered";
    private static final int RECORDS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<String> scrape(InProcessBroker broker) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.server().httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of the values of the series {@code name} whose labels include every {@code label="value"} given. */
    private static double value(String scrape, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean all = true;
            for (String label : labels) {
                all &= series.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(end + 1));
                found = true;
            }
        }
        assertTrue(found, () -> "no series " + name + " " + List.of(labels) + " in\n" + scrape);
        return sum;
    }

    @Test
    void producedAndConsumedRecordsShowAsTopicCountsRequestCountsAndLatencies() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of());
             Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "value-" + i)).get();
                }
            }
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(),
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
                consumer.assign(List.of(tp));
                int read = 0;
                long deadline = System.currentTimeMillis() + 30_000;
                while (read < RECORDS && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    read += records.count();
                }
                assertEquals(RECORDS, read);
            }
            long logBytes = Files.size(dir.resolve(TOPIC + "-0").resolve("00000000000000000000.log"));

            HttpResponse<String> response = scrape(broker);
            assertEquals(200, response.statusCode());
            String s = response.body();
            String topic = "topic=\"" + TOPIC + "\"";
            assertEquals(RECORDS, value(s, "kafka_server_brokertopicmetrics_messagesin_total", topic));
            assertEquals(logBytes, value(s, "kafka_server_brokertopicmetrics_bytesin_total", topic),
                    "bytes in: the batches as stored");
            assertEquals(RECORDS, value(s, "kafka_server_brokertopicmetrics_totalproducerequests_total", topic),
                    "one partition per produce request, one record per request");
            assertEquals(0, value(s, "kafka_server_brokertopicmetrics_failedproducerequests_total", topic));
            assertEquals(logBytes, value(s, "kafka_server_brokertopicmetrics_bytesout_total", topic),
                    "every batch fetched once");
            assertTrue(value(s, "kafka_server_brokertopicmetrics_totalfetchrequests_total", topic) >= 1);
            assertTrue(s.lines().anyMatch(l -> l.startsWith("kafka_server_brokertopicmetrics_messagesin_total ")),
                    "the broker-wide series has no topic label");

            String produce = "request=\"Produce\"";
            assertEquals(RECORDS, value(s, "kafka_network_requestmetrics_requests_total", produce));
            assertEquals(RECORDS, value(s, "kafka_network_requestmetrics_errors_total", produce, "error=\"NONE\""));
            assertEquals(RECORDS, value(s, "kafka_network_requestmetrics_totaltimems_count", produce));
            assertTrue(value(s, "kafka_network_requestmetrics_totaltimems_sum", produce) > 0);
            for (String request : List.of("Produce", "Fetch", "FetchConsumer")) {
                String label = "request=\"" + request + "\"";
                for (String timer : List.of("totaltimems", "requestqueuetimems", "localtimems", "remotetimems",
                        "responsesendtimems")) {
                    value(s, "kafka_network_requestmetrics_" + timer, label, "quantile=\"0.99\"");
                    assertTrue(value(s, "kafka_network_requestmetrics_" + timer + "_count", label) >= 1, timer);
                }
            }
            double fetches = value(s, "kafka_network_requestmetrics_requests_total", "request=\"Fetch\"");
            assertEquals(fetches, value(s, "kafka_network_requestmetrics_requests_total", "request=\"FetchConsumer\""));
            assertTrue(value(s, "kafka_network_requestmetrics_remotetimems_sum", "request=\"Fetch\"") > 0,
                    "the consumer's long polls waited in the purgatory");
        }
    }

    @Test
    void disabledMetricsServeAnEmptyBody() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of("metrics.enabled", "false"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Clients.produce(broker.bootstrap(), TOPIC, 0, 3, i -> "k", i -> "v");

            HttpResponse<String> response = scrape(broker);
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("content-type").orElse(""));
            assertEquals("", response.body());
        }
    }
}
