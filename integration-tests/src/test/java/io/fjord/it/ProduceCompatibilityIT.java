package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Produce and ListOffsets details where Kafka's behaviour is easy to miss: an acks=0 produce that fails closes
 * the connection (the client's only way to learn of it), one that succeeds keeps it; ListOffsets EARLIEST
 * carries the leader epoch of the log start batch.
 */
@Timeout(90)
class ProduceCompatibilityIT {
    private static final String TOPIC = "compat";

    @TempDir
    Path dir;

    private InProcessBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
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

    private static ProduceRequestData.TopicProduceData records(String topic, int partition, byte[]... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i]);
        }
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, records)));
        return t;
    }

    private static void sendAcksZero(RawConnection connection, int correlationId,
                                     ProduceRequestData.TopicProduceData... topics) throws IOException {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
        data.topicData().addAll(List.of(topics));
        short version = 11;
        ProduceRequest request = new ProduceRequest.Builder(version, version, data).build(version);
        connection.sendFrame(request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, version, "raw", correlationId)));
    }

    private static ApiVersionsResponse apiVersions(RawConnection connection, int correlationId) throws IOException {
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "raw", correlationId);
        connection.sendFrame(new ApiVersionsRequest.Builder().build((short) 3).serializeWithHeader(header));
        return (ApiVersionsResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    /** The next request on {@code connection} finds it closed (end of stream or reset), not merely unanswered. */
    private static void assertClosedByBroker(RawConnection connection) {
        IOException failure = assertThrows(IOException.class, () -> apiVersions(connection, 2));
        assertFalse(failure instanceof SocketTimeoutException, "the connection stayed open: " + failure);
    }

    private long latest(int partition) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }

    @Test
    void aSuccessfulAcksZeroProduceGetsNoResponseAndKeepsTheConnection() throws Exception {
        try (RawConnection connection = new RawConnection(broker.port())) {
            sendAcksZero(connection, 1, records(TOPIC, 0, "a".getBytes(), "b".getBytes()));

            ApiVersionsResponse next = apiVersions(connection, 2);

            assertEquals(Errors.NONE.code(), next.data().errorCode());
        }
        assertEquals(2, latest(0));
    }

    @Test
    void anAcksZeroProduceToAnUnknownTopicClosesTheConnection() throws Exception {
        try (RawConnection connection = new RawConnection(broker.port())) {
            sendAcksZero(connection, 1, records("no-such-topic", 0, "a".getBytes()));

            assertClosedByBroker(connection);
        }
    }

    @Test
    void anAcksZeroProduceWithOneFailedPartitionClosesTheConnectionButAppendsTheOthers() throws Exception {
        try (RawConnection connection = new RawConnection(broker.port())) {
            sendAcksZero(connection, 1, records(TOPIC, 1, "a".getBytes()), records(TOPIC + "-missing", 0, "b".getBytes()));

            assertClosedByBroker(connection);
        }
        assertEquals(1, latest(1));
        try (RawConnection another = new RawConnection(broker.port())) {
            assertEquals(Errors.NONE.code(), apiVersions(another, 1).data().errorCode());
        }
    }

    @Test
    void listOffsetsEarliestCarriesTheLeaderEpochOfTheLogStartBatch() throws Exception {
        try (RawConnection connection = new RawConnection(broker.port())) {
            sendAcksZero(connection, 1, records(TOPIC, 0, "a".getBytes(), "b".getBytes()));
            apiVersions(connection, 2);
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp);
        ListOffsetsResultInfo latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp);

        assertEquals(0, earliest.offset());
        assertEquals(latest.leaderEpoch(), earliest.leaderEpoch());
        assertEquals(0, earliest.leaderEpoch().orElse(-1));
    }
}
