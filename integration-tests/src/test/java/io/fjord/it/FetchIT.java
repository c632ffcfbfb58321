package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fetch against an in-process broker: raw requests at every served version (kafka-clients encodes them and
 * parses the responses), offsets out of range, byte limits, long polling, incremental fetch sessions by hand
 * and through a KafkaConsumer.
 */
class FetchIT {
    private static final String TOPIC = "reads";
    private static final int RECORDS = 20;

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();
    private Uuid topicId;

    @BeforeEach
    void createTopicWithRecords() throws Exception {
        broker.createTopics(new NewTopic(TOPIC, 2, (short) 1));
        topicId = broker.admin().describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
        Clients.produce(broker.bootstrap(), TOPIC, 0, RECORDS, i -> "k" + i, i -> "v" + i);
    }

    private KafkaProducer<String, String> producer() {
        return Clients.producer(broker.bootstrap(), Map.of());
    }

    private static FetchRequestData.FetchPartition partition(int index, long offset, int maxBytes) {
        return new FetchRequestData.FetchPartition().setPartition(index).setFetchOffset(offset)
                .setPartitionMaxBytes(maxBytes);
    }

    /** A request for {@code partitions} of TOPIC (by name below v13, by id from v13), answered at once. */
    private FetchRequestData request(short version, FetchRequestData.FetchPartition... partitions) {
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic()
                .setTopic(version < 13 ? TOPIC : "").setTopicId(version >= 13 ? topicId : Uuid.ZERO_UUID);
        topic.partitions().addAll(List.of(partitions));
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
        data.topics().add(topic);
        return data;
    }

    private FetchResponseData send(RawConnection connection, short version, FetchRequestData data) throws Exception {
        return broker.raw().<FetchResponse>send(connection, new FetchRequest(data, version)).data();
    }

    private FetchResponseData fetch(short version, FetchRequestData data) throws Exception {
        return broker.raw().<FetchResponse>send(new FetchRequest(data, version)).data();
    }

    private static Map<Integer, FetchResponseData.PartitionData> byPartition(FetchResponseData response) {
        Map<Integer, FetchResponseData.PartitionData> out = new HashMap<>();
        response.responses().forEach(t -> t.partitions().forEach(p -> out.put(p.partitionIndex(), p)));
        return out;
    }

    private static List<String> keys(FetchResponseData.PartitionData p) {
        List<String> keys = new ArrayList<>();
        Records records = FetchResponse.recordsOrFail(p);
        for (RecordBatch batch : records.batches()) {
            batch.ensureValid();
            for (Record r : batch) {
                keys.add(StandardCharsets.UTF_8.decode(r.key()).toString());
            }
        }
        return keys;
    }

    private static List<String> expectedKeys(int from, int to) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    @Test
    @Timeout(120)
    void everyFetchVersionReadsTheRecordsWithOffsetsAndPerPartitionErrors() throws Exception {
        for (short v = ApiKeys.FETCH.oldestVersion(); v <= ApiKeys.FETCH.latestVersion(); v++) {
            boolean readCommitted = v % 2 == 0;
            FetchRequestData data = request(v, partition(0, 3, 1 << 20), partition(1, 0, 1 << 20), partition(7, 0, 1 << 20))
                    .setIsolationLevel((byte) (readCommitted ? 1 : 0));
            FetchResponseData response = fetch(v, data);

            String at = "v" + v;
            assertEquals(Errors.NONE.code(), response.errorCode(), at);
            assertEquals(0, response.sessionId(), at);
            Map<Integer, FetchResponseData.PartitionData> parts = byPartition(response);
            FetchResponseData.PartitionData p0 = parts.get(0);
            assertEquals(Errors.NONE.code(), p0.errorCode(), at);
            assertEquals(RECORDS, p0.highWatermark(), at);
            assertEquals(RECORDS, p0.lastStableOffset(), at);
            if (v >= 5) {
                assertEquals(0, p0.logStartOffset(), at);
            }
            if (v >= 11) {
                assertEquals(-1, p0.preferredReadReplica(), at);
            }
            if (readCommitted) {
                assertEquals(List.of(), p0.abortedTransactions(), at);
            } else {
                assertNull(p0.abortedTransactions(), at);
            }
            assertEquals(expectedKeys(3, RECORDS), keys(p0), at);
            FetchResponseData.PartitionData p1 = parts.get(1);
            assertEquals(Errors.NONE.code(), p1.errorCode(), at);
            assertEquals(0, p1.highWatermark(), at);
            assertEquals(List.of(), keys(p1), at);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), parts.get(7).errorCode(), at);

            FetchRequestData unknown = request(v, partition(0, 0, 1024));
            unknown.topics().get(0).setTopic("no-such-topic").setTopicId(v >= 13 ? Uuid.randomUuid() : Uuid.ZERO_UUID);
            FetchResponseData.PartitionData missing = byPartition(fetch(v, unknown)).get(0);
            assertEquals((v >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code(),
                    missing.errorCode(), at);
        }
    }

    @Test
    @Timeout(60)
    void fetchOffsetsOutsideTheLogAreOffsetOutOfRange() throws Exception {
        short v = ApiKeys.FETCH.latestVersion();
        Map<Integer, FetchResponseData.PartitionData> beyond = byPartition(fetch(v, request(v, partition(0, RECORDS + 1, 1024))));
        Map<Integer, FetchResponseData.PartitionData> below = byPartition(fetch((short) 12, request((short) 12, partition(0, -1, 1024))));
        Map<Integer, FetchResponseData.PartitionData> atEnd = byPartition(fetch(v, request(v, partition(0, RECORDS, 1024))));

        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), beyond.get(0).errorCode());
        assertEquals(-1, beyond.get(0).highWatermark());
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), below.get(0).errorCode());
        assertEquals(Errors.NONE.code(), atEnd.get(0).errorCode());
        assertEquals(RECORDS, atEnd.get(0).highWatermark());
        assertEquals(List.of(), keys(atEnd.get(0)));
    }

    @Test
    @Timeout(60)
    void aCurrentLeaderEpochNewerThanTheLeadersIsUnknownLeaderEpoch() throws Exception {
        short v = 12;
        FetchRequestData newer = request(v, partition(0, 0, 1024).setCurrentLeaderEpoch(5));
        FetchRequestData current = request(v, partition(0, 0, 1024).setCurrentLeaderEpoch(0));

        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), byPartition(fetch(v, newer)).get(0).errorCode());
        assertEquals(Errors.NONE.code(), byPartition(fetch(v, current)).get(0).errorCode());
    }

    @Test
    @Timeout(60)
    void byteLimitsCutAtBatchesButTheFirstBatchComesWhole() throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 1, "p1-" + i, "x".repeat(100))).get();
            }
        }
        short v = ApiKeys.FETCH.latestVersion();
        Map<Integer, FetchResponseData.PartitionData> tiny = byPartition(fetch(v, request(v, partition(0, 0, 1))));
        assertEquals(List.of("k0"), keys(tiny.get(0)), "one whole batch although larger than partition_max_bytes");

        FetchRequestData bothTiny = request(v, partition(0, 0, 1 << 20), partition(1, 0, 1 << 20)).setMaxBytes(1);
        Map<Integer, FetchResponseData.PartitionData> limited = byPartition(fetch(v, bothTiny));
        assertEquals(List.of("k0"), keys(limited.get(0)), "max_bytes: the first batch only");
        assertEquals(List.of(), keys(limited.get(1)), "max_bytes used up by the first partition");
        assertEquals(3, limited.get(1).highWatermark());
    }

    @Test
    @Timeout(60)
    void aLongPollAnswersAsSoonAsRecordsArrive() throws Exception {
        short v = ApiKeys.FETCH.latestVersion();
        FetchRequestData waiting = request(v, partition(1, 0, 1 << 20)).setMaxWaitMs(20_000).setMinBytes(1);
        try (RawConnection connection = new RawConnection(broker.port());
             KafkaProducer<String, String> producer = producer()) {
            long start = System.nanoTime();
            RequestHeader header = broker.raw().write(connection, new FetchRequest(waiting, v));
            Thread.sleep(300);
            producer.send(new ProducerRecord<>(TOPIC, 1, "late", "v")).get();
            FetchResponseData response = RawClient.<FetchResponse>receive(connection, header).data();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(List.of("late"), keys(byPartition(response).get(1)));
            assertTrue(elapsedMs < 10_000, "answered when the record arrived, after " + elapsedMs + " ms");
        }
    }

    @Test
    @Timeout(60)
    void aLongPollWithoutRecordsWaitsMaxWait() throws Exception {
        short v = ApiKeys.FETCH.latestVersion();
        FetchRequestData waiting = request(v, partition(1, 0, 1 << 20)).setMaxWaitMs(700).setMinBytes(1);
        long start = System.nanoTime();
        FetchResponseData response = fetch(v, waiting);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of(), keys(byPartition(response).get(1)));
        assertTrue(elapsedMs >= 650, "waited " + elapsedMs + " ms");
        assertTrue(elapsedMs < 5_000, "waited " + elapsedMs + " ms");

        FetchRequestData enough = request(v, partition(0, 0, 1 << 20)).setMaxWaitMs(20_000).setMinBytes(1);
        start = System.nanoTime();
        fetch(v, enough);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "min.bytes already readable: no wait");
    }

    @Test
    @Timeout(60)
    void incrementalSessionsSendOnlyPartitionsWithNews() throws Exception {
        short v = ApiKeys.FETCH.latestVersion();
        try (RawConnection connection = new RawConnection(broker.port());
             KafkaProducer<String, String> producer = producer()) {
            FetchRequestData full = request(v, partition(0, RECORDS, 1 << 20), partition(1, 0, 1 << 20)).setSessionEpoch(0);
            FetchResponseData first = send(connection, v, full);
            int session = first.sessionId();
            assertNotEquals(0, session);
            assertEquals(2, byPartition(first).size());

            FetchRequestData nothingNew = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                    .setMaxBytes(1 << 20).setSessionId(session).setSessionEpoch(1);
            FetchResponseData quiet = send(connection, v, nothingNew);
            assertEquals(Errors.NONE.code(), quiet.errorCode());
            assertEquals(session, quiet.sessionId());
            assertEquals(Map.of(), byPartition(quiet));

            producer.send(new ProducerRecord<>(TOPIC, 1, "news", "v")).get();
            FetchResponseData news = send(connection, v, nothingNew.setSessionEpoch(2));
            assertEquals(List.of(1), new ArrayList<>(byPartition(news).keySet()));
            assertEquals(List.of("news"), keys(byPartition(news).get(1)));

            FetchRequestData forget = nothingNew.duplicate().setSessionEpoch(3);
            forget.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopicId(topicId)
                    .setPartitions(new ArrayList<>(List.of(1))));
            assertEquals(Map.of(), byPartition(send(connection, v, forget)));
            producer.send(new ProducerRecord<>(TOPIC, 1, "unseen", "v")).get();
            assertEquals(Map.of(), byPartition(send(connection, v, nothingNew.duplicate().setSessionEpoch(4))),
                    "a forgotten partition is not read");

            FetchResponseData stale = send(connection, v, nothingNew.duplicate().setSessionEpoch(2));
            assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), stale.errorCode());
            FetchResponseData unknown = send(connection, v, nothingNew.duplicate().setSessionId(session + 1).setSessionEpoch(1));
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), unknown.errorCode());
            assertEquals(0, unknown.sessionId());
        }
    }

    @Test
    @Timeout(90)
    void aConsumerKeepsReadingThroughItsFetchSessionAsRecordsArrive() throws Exception {
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200));
             KafkaProducer<String, String> producer = producer()) {
            List<TopicPartition> tps = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            List<String> expected = new ArrayList<>(expectedKeys(0, RECORDS));
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 4; i++) {
                    String key = "round" + round + "-" + i;
                    producer.send(new ProducerRecord<>(TOPIC, i % 2, key, "v")).get();
                    expected.add(key);
                }
                long deadline = System.currentTimeMillis() + 15_000;
                while (read.size() < expected.size() && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.add(r.key());
                    }
                }
            }
            assertEquals(expected.stream().sorted().toList(), read.stream().sorted().toList());
            assertEquals(RECORDS + 10, consumer.position(new TopicPartition(TOPIC, 0)));
            assertEquals(10, consumer.position(new TopicPartition(TOPIC, 1)));
        }
    }
}
