package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every record a bin/broker process acknowledged with acks=all survives its stop: a clean SIGTERM, and a
 * SIGKILL in the middle of producing. Without fsync Kafka's promise on one node rests on the OS page
 * cache, which a killed JVM does not take with it, so nothing acknowledged may be lost either way.
 */
@Timeout(180)
class DurabilityIT {
    private static final String TOPIC = "durable";
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;
    private BrokerProcess broker;

    /** Acknowledged records: (partition, offset) -> "key=value". */
    private final Map<TopicPartition, Map<Long, String>> acknowledged = new ConcurrentHashMap<>();

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private Admin admin() {
        return Clients.admin(broker.bootstrapServers());
    }

    private void createTopic() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
    }

    private KafkaProducer<String, String> producer(int deliveryTimeoutMs) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, deliveryTimeoutMs / 2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200),
                new StringSerializer(), new StringSerializer());
    }

    private void send(KafkaProducer<String, String> producer, int i, AtomicInteger failures) {
        String key = "key-" + i;
        String value = "value-" + i;
        producer.send(new ProducerRecord<>(TOPIC, key, value), (metadata, error) -> {
            if (error == null) {
                acknowledged.computeIfAbsent(new TopicPartition(TOPIC, metadata.partition()), p -> new ConcurrentHashMap<>())
                        .put(metadata.offset(), key + "=" + value);
            } else {
                failures.incrementAndGet();
            }
        });
    }

    @Test
    void acknowledgedRecordsSurviveSigtermAndTheBrokerShutsDownCleanlyWithExitCodeZero() throws Exception {
        broker = BrokerProcess.started(dir);
        createTopic();
        int count = 20_000;
        AtomicInteger failures = new AtomicInteger();
        try (KafkaProducer<String, String> producer = producer(30_000)) {
            for (int i = 0; i < count; i++) {
                send(producer, i, failures);
            }
            producer.flush();
        }
        assertEquals(0, failures.get());
        assertEquals(count, acknowledged.values().stream().mapToInt(Map::size).sum());

        assertEquals(0, broker.stop(), broker.output());
        String log = broker.stderr();
        assertTrue(log.contains("Received SIGTERM, shutting down"), broker.output());
        String shutdown = log.substring(log.indexOf("Received SIGTERM"));
        assertFalse(shutdown.contains(" ERROR ") || shutdown.contains(" WARN ") || shutdown.contains("Exception"),
                shutdown);
        assertTrue(Files.exists(broker.dataDir().resolve(".kafka_cleanshutdown")),
                "no clean-shutdown marker in " + broker.dataDir());

        broker.start();

        assertEveryAcknowledgedRecordIsThere(true);
    }

    @Test
    void acknowledgedRecordsSurviveKillNineInTheMiddleOfProducing() throws Exception {
        broker = BrokerProcess.started(dir);
        createTopic();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        KafkaProducer<String, String> producer = producer(3_000);
        Thread sender = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                send(producer, i, failures);
                if (i % 100 == 99) {
                    Utils.sleep(1);
                }
            }
        }, "durability-sender");
        try {
            sender.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (acknowledged.values().stream().mapToInt(Map::size).sum() < 5_000) {
                assertTrue(System.currentTimeMillis() < deadline, "too few acknowledgements: " + acknowledged.size());
                Thread.sleep(5);
            }

            broker.kill();

            Thread.sleep(500);
            stop.set(true);
            sender.join(30_000);
        } finally {
            stop.set(true);
            producer.close(Duration.ZERO);
        }
        assertFalse(Files.exists(broker.dataDir().resolve(".kafka_cleanshutdown")), "the kill was not abrupt");
        assertTrue(failures.get() > 0, "every send succeeded: the broker was not killed while producing");

        broker.start();

        assertEveryAcknowledgedRecordIsThere(false);
    }

    /**
     * Log end offsets cover every acknowledged offset (exactly, if nothing unacknowledged may have been
     * written), a KafkaConsumer reads each acknowledged record back at its offset, and new records are
     * appended right at the log end.
     */
    private void assertEveryAcknowledgedRecordIsThere(boolean exact) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = admin()) {
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        for (var entry : acknowledged.entrySet()) {
            long highestAcknowledged = entry.getValue().keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            long end = ends.get(entry.getKey());
            if (exact) {
                assertEquals(entry.getValue().size(), end, entry.getKey().toString());
            } else {
                assertTrue(end > highestAcknowledged, entry.getKey() + ": end " + end + ", acknowledged " + highestAcknowledged);
            }
        }
        Map<Integer, List<ConsumerRecord<String, String>>> read = TopicReader.readAll(broker.bootstrapServers(), TOPIC, PARTITIONS);
        for (var entry : acknowledged.entrySet()) {
            Map<Long, String> stored = new HashMap<>();
            for (ConsumerRecord<String, String> record : read.get(entry.getKey().partition())) {
                stored.put(record.offset(), record.key() + "=" + record.value());
            }
            entry.getValue().forEach((offset, record) ->
                    assertEquals(record, stored.get(offset), entry.getKey() + " offset " + offset));
        }
        try (KafkaProducer<String, String> producer = producer(30_000)) {
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                long offset = producer.send(new ProducerRecord<>(TOPIC, p, "after-restart", "x")).get().offset();
                assertEquals(ends.get(tp), offset, "the first append after the restart in " + tp);
            }
        }
    }
}
