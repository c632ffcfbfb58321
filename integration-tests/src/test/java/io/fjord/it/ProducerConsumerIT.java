package io.fjord.it;

import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance of issue 4 "Single-node broker": kafka-clients' KafkaProducer with defaults (idempotent,
 * acks=all), acks=0 and acks=1, each compression codec, headers, null keys and null values writes 100k records
 * over a 6-partition topic; a KafkaConsumer with assign()/seek reads every one back in per-partition order
 * with equal keys, values and headers, and keyed records sit where Kafka's default partitioner puts them.
 */
class ProducerConsumerIT {
    private static final String TOPIC = "acceptance";
    private static final int PARTITIONS = 6;
    private static final int TOTAL = 100_000;
    private static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();

    /** What a producer sent, in send order; acks=0 records get their partition from the partitioner alone. */
    private record Sent(byte[] key, byte[] value, Header[] headers) {
    }

    @BeforeEach
    void createTopic() throws Exception {
        broker.createTopics(new NewTopic(TOPIC, PARTITIONS, (short) 1));
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    @Test
    @Timeout(180)
    void everyRecordEveryProducerWroteIsReadBackInPartitionOrder() throws Exception {
        List<List<Sent>> expected = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            expected.add(new ArrayList<>());
        }
        List<Map<String, Object>> modes = List.of(
                Map.of(),
                Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false),
                Map.of(ProducerConfig.ACKS_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
        int runs = modes.size() * CODECS.length;
        int perRun = TOTAL / runs;
        int n = 0;
        for (Map<String, Object> mode : modes) {
            boolean acksZero = "0".equals(mode.get(ProducerConfig.ACKS_CONFIG));
            for (String codec : CODECS) {
                Map<String, Object> config = new HashMap<>(mode);
                config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                int count = n == runs - 1 ? TOTAL - perRun * (runs - 1) : perRun;
                n++;
                produce(config, codec, count, acksZero, expected);
            }
        }
        assertEquals(TOTAL, expected.stream().mapToInt(List::size).sum());
        consumeAndCompare(expected);
    }

    /**
     * Sends {@code count} records. Every fourth has no key (the producer then picks the partition, known from
     * its metadata; with acks=0 these are sent to an explicit partition instead, since no metadata comes back),
     * every fifth a null value, every third two headers. Keyed records must land where Kafka's default
     * partitioner puts them.
     */
    private void produce(Map<String, Object> config, String tag, int count, boolean acksZero,
                         List<List<Sent>> expected) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Sent> sent = new ArrayList<>(count);
        List<int[]> partitionOf = new ArrayList<>(count);
        try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
            for (int i = 0; i < count; i++) {
                byte[] key = i % 4 == 0 ? null : (tag + "-key-" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = i % 5 == 0 ? null : (tag + "-value-" + i + "-" + "x".repeat(i % 50))
                        .getBytes(StandardCharsets.UTF_8);
                Header[] headers = i % 3 == 0
                        ? new Header[] {new RecordHeader("h1", ("a" + i).getBytes(StandardCharsets.UTF_8)),
                                new RecordHeader("h2", null)}
                        : new Header[0];
                Integer partition = key == null && acksZero ? i % PARTITIONS : null;
                int[] landed = {key != null ? BuiltInPartitioner.partitionForKey(key, PARTITIONS)
                        : partition != null ? partition : -1};
                partitionOf.add(landed);
                sent.add(new Sent(key, value, headers));
                boolean keyed = key != null;
                Callback callback = (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else if (!keyed && landed[0] < 0) {
                        landed[0] = md.partition();
                    } else if (keyed && md.partition() != landed[0]) {
                        failure.compareAndSet(null, new AssertionError("key sent to " + md.partition()
                                + ", default partitioner says " + landed[0]));
                    }
                };
                producer.send(new ProducerRecord<>(TOPIC, partition, key, value, Arrays.asList(headers)), callback);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new AssertionError("a send failed", failure.get());
        }
        for (int i = 0; i < count; i++) {
            expected.get(partitionOf.get(i)[0]).add(sent.get(i));
        }
        if (acksZero) {
            awaitLogEnds(expected);
        }
    }

    /**
     * acks=0 records may still be on their way into the logs when the producer has closed; the next producer
     * (another connection) must not overtake them, or the expected order is not the written one.
     */
    private void awaitLogEnds(List<List<Sent>> expected) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            latest.put(new TopicPartition(TOPIC, i), OffsetSpec.latest());
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            Map<TopicPartition, ListOffsetsResultInfo> ends = broker.admin().listOffsets(latest).all().get();
            boolean all = true;
            for (int i = 0; i < PARTITIONS; i++) {
                all &= ends.get(new TopicPartition(TOPIC, i)).offset() == expected.get(i).size();
            }
            if (all) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "acks=0 records landed: " + ends);
            Thread.sleep(20);
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }

    private void consumeAndCompare(List<List<Sent>> expected) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            tps.forEach(tp -> consumer.seek(tp, 0));
            int[] read = new int[PARTITIONS];
            int total = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (total < TOTAL && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int p = r.partition();
                    assertEquals(read[p], r.offset(), "offset in partition " + p);
                    Sent s = expected.get(p).get(read[p]);
                    String where = "partition " + p + " offset " + r.offset() + ": expected key "
                            + text(s.key()) + ", read " + text(r.key());
                    assertArrayEquals(s.key(), r.key(), where);
                    if (s.value() == null) {
                        assertNull(r.value(), where);
                    } else {
                        assertArrayEquals(s.value(), r.value(), where);
                    }
                    Header[] headers = r.headers().toArray();
                    assertEquals(s.headers().length, headers.length, where);
                    for (int h = 0; h < headers.length; h++) {
                        assertEquals(s.headers()[h].key(), headers[h].key(), where);
                        assertArrayEquals(s.headers()[h].value(), headers[h].value(), where);
                    }
                    read[p]++;
                    total++;
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(expected.get(p).size(), read[p], "records read from partition " + p);
            }
        }
    }
}
