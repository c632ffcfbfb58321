package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's leader-side validation of produced batches, seen by raw Produce requests and by kafka-clients'
 * producer against an in-process broker: every rejected append leaves the log as it was.
 */
class ProduceValidationIT {
    private static final String PLAIN = "plain";
    private static final String COMPACTED = "compacted";
    private static final long HOUR = 3_600_000L;
    private static final short VERSION = 12;

    @TempDir
    Path dir;

    private InProcessBroker broker;
    private Admin admin;
    private int correlationId;

    @BeforeEach
    void start() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic(PLAIN, 1, (short) 1),
                new NewTopic(COMPACTED, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private PartitionProduceResponse produce(String topic, ByteBuffer records, String transactionalId) throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000).setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(records)));
        data.topicData().add(t);
        ProduceRequest request = new ProduceRequest(data, VERSION);
        try (RawConnection connection = new RawConnection(broker.port())) {
            RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, VERSION, "raw", ++correlationId);
            connection.sendFrame(request.serializeWithHeader(header));
            ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
            return response.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    private PartitionProduceResponse produce(String topic, ByteBuffer records) throws Exception {
        return produce(topic, records, null);
    }

    private long logEnd(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }

    private static ByteBuffer batch(Compression compression, SimpleRecord... records) {
        return MemoryRecords.withRecords(compression, records).buffer();
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining());
        both.put(a.duplicate()).put(b.duplicate()).flip();
        return both;
    }

    private static SimpleRecord record(long timestamp, String key) {
        return new SimpleRecord(timestamp, key == null ? null : key.getBytes(), "v".getBytes());
    }

    private void assertRejected(String topic, ByteBuffer records, Errors expected) throws Exception {
        long before = logEnd(topic);
        PartitionProduceResponse r = produce(topic, records);
        assertEquals(expected.code(), r.errorCode(), r.toString());
        assertEquals(before, logEnd(topic), "nothing appended");
    }

    @Test
    @Timeout(60)
    void twoBatchesForOnePartitionAreInvalidRecord() throws Exception {
        long now = System.currentTimeMillis();
        ByteBuffer one = batch(Compression.NONE, record(now, "a"));
        assertRejected(PLAIN, concat(one, batch(Compression.NONE, record(now, "b"))), Errors.INVALID_RECORD);
        assertEquals(Errors.NONE.code(), produce(PLAIN, one).errorCode());
        assertEquals(1, logEnd(PLAIN));
    }

    @Test
    @Timeout(60)
    void aBatchOfMagicOneIsInvalidRecord() throws Exception {
        ByteBuffer v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                record(System.currentTimeMillis(), "a")).buffer();
        assertRejected(PLAIN, v1, Errors.INVALID_RECORD);
    }

    @Test
    @Timeout(60)
    void anInconsistentOffsetRangeIsInvalidRecord() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0);
        builder.appendWithOffset(0, record(System.currentTimeMillis(), "a"));
        builder.appendWithOffset(3, record(System.currentTimeMillis(), "b"));
        PartitionProduceResponse r = produce(PLAIN, builder.build().buffer());
        assertEquals(Errors.INVALID_RECORD.code(), r.errorCode(), r.toString());
        assertTrue(r.errorMessage().contains("Inconsistent batch offset range"), r.errorMessage());
        assertEquals(0, logEnd(PLAIN));
    }

    @Test
    @Timeout(60)
    void aControlBatchFromAClientWithATransactionalIdIsInvalidRecord() throws Exception {
        ByteBuffer marker = MemoryRecords.withEndTransactionMarker(7L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0)).buffer();
        assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), produce(PLAIN, marker, null).errorCode(),
                "a marker is transactional, and Kafka wants a transactional id first");
        PartitionProduceResponse r = produce(PLAIN, marker, "txn");
        assertEquals(Errors.INVALID_RECORD.code(), r.errorCode(), r.toString());
        assertEquals(0, logEnd(PLAIN));
    }

    @Test
    @Timeout(60)
    void transactionalBatchesAreRefusedWithoutATransaction() throws Exception {
        ByteBuffer txn = MemoryRecords.withTransactionalRecords(Compression.NONE, 7L, (short) 0, 0,
                record(System.currentTimeMillis(), "a")).buffer();
        assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), produce(PLAIN, txn, null).errorCode());
        assertEquals(Errors.INVALID_TXN_STATE.code(), produce(PLAIN, txn, "txn").errorCode());
        assertEquals(0, logEnd(PLAIN));
    }

    @Test
    @Timeout(60)
    void keylessRecordsOnACompactedTopicAreInvalidRecordWithRecordErrors() throws Exception {
        long now = System.currentTimeMillis();
        for (Compression compression : List.of(Compression.NONE, Compression.gzip().build())) {
            PartitionProduceResponse r = produce(COMPACTED, batch(compression, record(now, "a"), record(now, null), record(now, null)));
            assertEquals(Errors.INVALID_RECORD.code(), r.errorCode(), r.toString());
            assertEquals(List.of(1, 2), r.recordErrors().stream().map(e -> e.batchIndex()).toList());
            assertTrue(r.recordErrors().get(0).batchIndexErrorMessage().startsWith(
                    "Compacted topic cannot accept message without key in topic partition compacted-0"), r.toString());
            assertTrue(r.errorMessage().startsWith("One or more records have been rejected"), r.errorMessage());
        }
        assertEquals(0, logEnd(COMPACTED));
        assertEquals(Errors.NONE.code(), produce(COMPACTED, batch(Compression.NONE, record(now, "a"))).errorCode());
        assertEquals(1, logEnd(COMPACTED));
    }

    @Test
    @Timeout(60)
    void anAcksZeroBatchThatFailsValidationClosesTheConnection() throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(COMPACTED);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.readableRecords(batch(Compression.NONE, record(System.currentTimeMillis(), null)))));
        data.topicData().add(t);
        try (RawConnection connection = new RawConnection(broker.port())) {
            RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, VERSION, "raw", ++correlationId);
            connection.sendFrame(new ProduceRequest(data, VERSION).serializeWithHeader(header));
            assertTrue(connection.closedByBroker());
        }
        assertEquals(0, logEnd(COMPACTED));
    }

    @Test
    @Timeout(60)
    void timestampsTooFarAheadAreInvalidTimestampWithRecordErrors() throws Exception {
        long now = System.currentTimeMillis();
        for (Compression compression : List.of(Compression.NONE, Compression.lz4().build())) {
            PartitionProduceResponse r = produce(PLAIN, batch(compression, record(now, "a"), record(now + 2 * HOUR, "b")));
            assertEquals(Errors.INVALID_TIMESTAMP.code(), r.errorCode(), r.toString());
            assertEquals(List.of(1), r.recordErrors().stream().map(e -> e.batchIndex()).toList());
            assertEquals("One or more records have been rejected due to invalid timestamp", r.errorMessage());
        }
        assertEquals(0, logEnd(PLAIN));
        PartitionProduceResponse ok = produce(PLAIN, batch(Compression.NONE, record(now - 30L * 24 * HOUR, "old")));
        assertEquals(Errors.NONE.code(), ok.errorCode());
        assertTrue(ok.recordErrors().isEmpty());
        assertNull(ok.errorMessage());
    }

    @Test
    @Timeout(60)
    void aTopicWithABeforeBoundRejectsOldTimestamps() throws Exception {
        admin.createTopics(List.of(new NewTopic("recent", 1, (short) 1)
                .configs(Map.of("message.timestamp.before.max.ms", Long.toString(HOUR))))).all().get();
        long now = System.currentTimeMillis();
        assertRejected("recent", batch(Compression.NONE, record(now - 2 * HOUR, "a")), Errors.INVALID_TIMESTAMP);
        assertEquals(Errors.NONE.code(), produce("recent", batch(Compression.NONE, record(now, "a"))).errorCode());
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p);
    }

    @Test
    @Timeout(90)
    void theJavaProducerSeesInvalidRecordAndInvalidTimestampWhileNormalTrafficPasses() throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            long now = System.currentTimeMillis();
            ExecutionException keyless = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(COMPACTED, null, now, null, "v")).get());
            assertInstanceOf(InvalidRecordException.class, keyless.getCause(), keyless.toString());

            ExecutionException future = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(PLAIN, null, System.currentTimeMillis() + 2 * HOUR, "k", "v")).get());
            assertInstanceOf(InvalidTimestampException.class, future.getCause(), future.toString());

            for (int i = 0; i < 20; i++) {
                RecordMetadata compacted = producer.send(new ProducerRecord<>(COMPACTED, "key-" + i, "v")).get();
                RecordMetadata plain = producer.send(new ProducerRecord<>(PLAIN, null, "v-" + i)).get();
                assertEquals(i, compacted.offset());
                assertEquals(i, plain.offset());
            }
        }
        assertEquals(20, logEnd(COMPACTED));
        assertEquals(20, logEnd(PLAIN));
    }
}
