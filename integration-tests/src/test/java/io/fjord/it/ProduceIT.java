package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kafka-clients' producer and AdminClient.listOffsets against an in-process broker. */
class ProduceIT {
    private static final String TOPIC = "orders";

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();
    private Admin admin;

    @BeforeEach
    void createTopic() throws Exception {
        admin = broker.admin();
        broker.createTopics(new NewTopic(TOPIC, 3, (short) 1));
    }

    private KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
        config.putAll(extra);
        return Clients.producer(broker.bootstrap(), config);
    }

    private static int expectedPartition(String key) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 3);
    }

    private Map<TopicPartition, ListOffsetsResultInfo> listOffsets(OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            request.put(new TopicPartition(TOPIC, i), spec);
        }
        return admin.listOffsets(request).all().get();
    }

    @Test
    @Timeout(120)
    void producersWithEveryAcksAppendWhereTheDefaultPartitionerPutsKeys() throws Exception {
        long now = System.currentTimeMillis();
        long[] next = new long[3];
        long[] maxTimestamp = {-1, -1, -1};
        long[] maxTimestampOffset = {-1, -1, -1};
        // Defaults: idempotent, acks=all.
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, null, now - 100_000 + i, "key-" + i,
                        i % 7 == 0 ? null : "value-" + i, List.of(new RecordHeader("h", ("v" + i).getBytes())));
                sent.add(producer.send(record));
            }
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata md = sent.get(i).get();
                int partition = md.partition();
                assertEquals(expectedPartition("key-" + i), partition, "key-" + i);
                assertEquals(next[partition]++, md.offset(), "key-" + i);
                maxTimestamp[partition] = now - 100_000 + i;
                maxTimestampOffset[partition] = md.offset();
            }
        }
        for (int p = 0; p < 3; p++) {
            assertTrue(next[p] > 0, "partition " + p + " got records");
        }
        // acks=0: no response, so no offsets; the records still land.
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.ACKS_CONFIG, "0",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            for (int i = 0; i < 30; i++) {
                String key = "zero-" + i;
                RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, null, now - 200_000, key, "v")).get();
                assertEquals(-1, md.offset());
                next[expectedPartition(key)]++;
            }
            producer.flush();
        }
        // acks=1: offsets continue after the acks=0 records.
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            Map<TopicPartition, ListOffsetsResultInfo> latest = listOffsets(OffsetSpec.latest());
            boolean all = true;
            for (int p = 0; p < 3; p++) {
                all &= latest.get(new TopicPartition(TOPIC, p)).offset() == next[p];
            }
            if (all) {
                break;
            }
            assertTrue(System.currentTimeMillis() < deadline, "acks=0 records landed: " + latest);
            Thread.sleep(50);
        }
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            for (int i = 0; i < 30; i++) {
                String key = "one-" + i;
                long ts = now + 3_600_000 + i;
                RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, null, ts, key, (String) null)).get();
                int partition = expectedPartition(key);
                assertEquals(partition, md.partition());
                assertEquals(next[partition]++, md.offset(), key);
                maxTimestamp[partition] = ts;
                maxTimestampOffset[partition] = md.offset();
            }
        }
        Map<TopicPartition, ListOffsetsResultInfo> earliest = listOffsets(OffsetSpec.earliest());
        Map<TopicPartition, ListOffsetsResultInfo> latest = listOffsets(OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> max = listOffsets(OffsetSpec.maxTimestamp());
        Map<TopicPartition, ListOffsetsResultInfo> byTime = listOffsets(OffsetSpec.forTimestamp(now + 3_600_000));
        Map<TopicPartition, ListOffsetsResultInfo> future = listOffsets(OffsetSpec.forTimestamp(now + 7_200_000));
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            assertEquals(0, earliest.get(tp).offset());
            assertEquals(next[p], latest.get(tp).offset());
            assertEquals(maxTimestampOffset[p], max.get(tp).offset(), "max timestamp of " + tp);
            assertEquals(maxTimestamp[p], max.get(tp).timestamp(), "max timestamp of " + tp);
            assertTrue(byTime.get(tp).timestamp() >= now + 3_600_000);
            assertEquals(-1, future.get(tp).offset());
        }
    }

    @Test
    @Timeout(60)
    void aCorruptBatchIsRejected() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "v".getBytes()));
        ByteBuffer bytes = records.buffer().duplicate();
        bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0x5a));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(bytes)));
        data.topicData().add(topic);
        ProduceRequestData.TopicProduceData unknown = new ProduceRequestData.TopicProduceData().setName("nope");
        unknown.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes()))));
        data.topicData().add(unknown);
        ProduceResponse response = rawProduce((short) 12, data);
        var byName = new HashMap<String, Short>();
        response.data().responses().forEach(t -> byName.put(t.name(), t.partitionResponses().get(0).errorCode()));
        assertEquals(Errors.CORRUPT_MESSAGE.code(), byName.get(TOPIC));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), byName.get("nope"));
        assertEquals(0, listOffsets(OffsetSpec.latest()).get(new TopicPartition(TOPIC, 0)).offset());
    }

    private ProduceResponse rawProduce(short version, ProduceRequestData data) throws Exception {
        return broker.raw().send(new ProduceRequest.Builder(version, version, data).build(version));
    }

    private static ProduceRequestData oneBatch(String topic, org.apache.kafka.common.Uuid topicId, short acks) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic)
                .setTopicId(topicId);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()),
                        new SimpleRecord("k2".getBytes(), null))));
        data.topicData().add(t);
        return data;
    }

    @Test
    @Timeout(60)
    void everySupportedProduceVersionAppendsAndReportsErrorsPerPartition() throws Exception {
        org.apache.kafka.common.Uuid id = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
        long expected = 0;
        for (short v = 3; v <= 13; v++) {
            ProduceResponseData.PartitionProduceResponse r = rawProduce(v, oneBatch(v >= 13 ? "" : TOPIC,
                    v >= 13 ? id : org.apache.kafka.common.Uuid.ZERO_UUID, (short) -1)).data().responses().iterator().next()
                    .partitionResponses().get(0);
            assertEquals(Errors.NONE.code(), r.errorCode(), "v" + v);
            assertEquals(expected, r.baseOffset(), "v" + v);
            if (v >= 5) {
                assertEquals(0, r.logStartOffset(), "v" + v);
            }
            assertEquals(-1, r.logAppendTimeMs(), "v" + v);
            expected += 2;
        }
        ProduceResponseData.PartitionProduceResponse unknownId = rawProduce((short) 13,
                oneBatch("", org.apache.kafka.common.Uuid.randomUuid(), (short) 1)).data().responses().iterator()
                .next().partitionResponses().get(0);
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), unknownId.errorCode());
        ProduceResponseData.PartitionProduceResponse badAcks = rawProduce((short) 12, oneBatch(TOPIC,
                org.apache.kafka.common.Uuid.ZERO_UUID, (short) 2)).data().responses().iterator().next()
                .partitionResponses().get(0);
        assertEquals(Errors.INVALID_REQUIRED_ACKS.code(), badAcks.errorCode());
        assertEquals(expected, listOffsets(OffsetSpec.latest()).get(new TopicPartition(TOPIC, 1)).offset());
    }

    @Test
    @Timeout(120)
    void logsAndProducerIdsSurviveARestart() throws Exception {
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get();
            }
        }
        broker.restart();
        admin = broker.admin();
        assertEquals(10, listOffsets(OffsetSpec.latest()).get(new TopicPartition(TOPIC, 0)).offset());
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v")).get();
            assertEquals(10, md.offset());
        }
    }

    private static ListOffsetsRequestData.ListOffsetsPartition lp(int index, long timestamp, int epoch) {
        return new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(index).setTimestamp(timestamp)
                .setCurrentLeaderEpoch(epoch);
    }

    @Test
    @Timeout(60)
    void listOffsetsAtEveryVersionWithPerPartitionErrors() throws Exception {
        long base = System.currentTimeMillis() - 10_000;
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 2, base + i * 10, "k" + i, "v")).get();
            }
        }
        for (short v = 1; v <= 10; v++) {
            List<ListOffsetsRequestData.ListOffsetsTopic> topics = new ArrayList<>();
            topics.add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(new ArrayList<>(List.of(
                    lp(2, ListOffsetsRequest.EARLIEST_TIMESTAMP, -1), lp(1, ListOffsetsRequest.LATEST_TIMESTAMP, -1),
                    lp(0, base + 25, -1), lp(7, ListOffsetsRequest.LATEST_TIMESTAMP, -1)))));
            topics.add(new ListOffsetsRequestData.ListOffsetsTopic().setName("nope").setPartitions(new ArrayList<>(
                    List.of(lp(0, ListOffsetsRequest.LATEST_TIMESTAMP, -1)))));
            ListOffsetsRequest request = ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(topics).build(v);
            ListOffsetsResponseData r = broker.raw().<ListOffsetsResponse>send(request).data();
            Map<String, ListOffsetsResponseData.ListOffsetsPartitionResponse> byKey = new HashMap<>();
            r.topics().forEach(t -> t.partitions().forEach(pr -> byKey.put(t.name() + "-" + pr.partitionIndex(), pr)));
            assertEquals(Errors.NONE.code(), byKey.get(TOPIC + "-2").errorCode(), "v" + v);
            assertEquals(0, byKey.get(TOPIC + "-2").offset(), "v" + v);
            assertEquals(0, byKey.get(TOPIC + "-1").offset(), "v" + v);
            assertEquals(Errors.NONE.code(), byKey.get(TOPIC + "-0").errorCode(), "v" + v);
            assertEquals(-1, byKey.get(TOPIC + "-0").offset(), "empty partition, v" + v);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), byKey.get(TOPIC + "-7").errorCode(), "v" + v);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), byKey.get("nope-0").errorCode(), "v" + v);
        }
        Map<TopicPartition, ListOffsetsResultInfo> byTime = admin.listOffsets(Map.of(new TopicPartition(TOPIC, 2),
                OffsetSpec.forTimestamp(base + 25))).all().get();
        assertEquals(3, byTime.get(new TopicPartition(TOPIC, 2)).offset());
        assertEquals(base + 30, byTime.get(new TopicPartition(TOPIC, 2)).timestamp());
        Map<TopicPartition, ListOffsetsResultInfo> latest = listOffsets(OffsetSpec.latest());
        assertEquals(5, latest.get(new TopicPartition(TOPIC, 2)).offset());
        assertEquals(0, latest.get(new TopicPartition(TOPIC, 2)).leaderEpoch().orElse(-1));
    }

    @Test
    @Timeout(60)
    void aReCreatedTopicStartsWithEmptyLogs() throws Exception {
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1"))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("again", 0, "k", "v")).get();
            }
            admin.deleteTopics(List.of("again")).all().get();
            admin.createTopics(List.of(new NewTopic("again", 1, (short) 1))).all().get();
            long deadline = System.currentTimeMillis() + 20_000;
            while (true) {
                try {
                    assertEquals(0, producer.send(new ProducerRecord<>("again", 0, "k", "v")).get().offset());
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(System.currentTimeMillis() < deadline, e.toString());
                    Thread.sleep(100);
                }
            }
        }
    }
}
