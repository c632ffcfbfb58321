package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed input sent to a bin/broker process closes only the connection it came on: a second connection
 * opened beforehand keeps being answered, and the process keeps running. A well-framed produce whose batch
 * is corrupt is answered CORRUPT_MESSAGE and appends nothing.
 */
@Timeout(120)
class BadInputIT {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final String TOPIC = "bad-input";

    @RegisterExtension
    static final BrokerProcessExtension broker =
            new BrokerProcessExtension("socket.request.max.bytes=" + MAX_REQUEST_BYTES);
    private final RawClient raw = new RawClient(broker.port());
    private RawConnection healthy;

    @BeforeAll
    static void createTopic() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }

    @BeforeEach
    void openHealthyConnection() throws Exception {
        healthy = new RawConnection(broker.port());
        assertServed(healthy);
    }

    @AfterEach
    void healthyConnectionAndBrokerSurvive() throws Exception {
        try (RawConnection connection = healthy) {
            assertServed(connection);
        }
        assertTrue(broker.isAlive(), broker.output());
    }

    private void assertServed(RawConnection connection) throws IOException {
        ApiVersionsResponse response = raw.apiVersions(connection);
        assertEquals(Errors.NONE.code(), response.data().errorCode());
    }

    @Test
    void frameOverSocketRequestMaxBytesClosesOnlyThatConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.port())) {
            ByteBuffer frame = ByteBuffer.allocate(4 + 1024).putInt(MAX_REQUEST_BYTES + 1);
            bad.sendRaw(frame.flip());

            assertTrue(bad.closedByBroker());
        }
    }

    @Test
    void frameJustWithinSocketRequestMaxBytesIsServed() throws Exception {
        byte[] value = new byte[MAX_REQUEST_BYTES - 1024];
        ProduceResponse response = produce(healthy, MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(null, value)));

        assertEquals(Errors.NONE.code(), partitionError(response));
    }

    @Test
    void anHttpRequestOnTheKafkaPortClosesOnlyThatConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.port())) {
            bad.sendRaw(ByteBuffer.wrap("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

            assertTrue(bad.closedByBroker());
        }
    }

    @Test
    void garbageInsideAFrameClosesOnlyThatConnection() throws Exception {
        byte[] garbage = new byte[200];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0;
        garbage[1] = (byte) ApiKeys.PRODUCE.id;
        garbage[2] = 0;
        garbage[3] = 9;
        try (RawConnection bad = new RawConnection(broker.port())) {
            bad.sendFrame(ByteBuffer.wrap(garbage));

            assertTrue(bad.closedByBroker());
        }
    }

    @ParameterizedTest
    @ValueSource(shorts = {999, Short.MAX_VALUE, -1})
    void unknownApiKeyClosesOnlyThatConnection(short apiKey) throws Exception {
        try (RawConnection bad = new RawConnection(broker.port())) {
            ByteBuffer request = ByteBuffer.allocate(10).putShort(apiKey).putShort((short) 0).putInt(7).putShort((short) -1);
            bad.sendFrame(request.flip());

            assertTrue(bad.closedByBroker());
        }
    }

    @Test
    void corruptBatchGetsCorruptMessageAndAppendsNothing() throws Exception {
        long endBefore = logEndOffset();
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "v".getBytes()));
        ByteBuffer bytes = records.buffer().duplicate();
        bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0x5a));

        ProduceResponse response = produce(healthy, MemoryRecords.readableRecords(bytes));

        assertEquals(Errors.CORRUPT_MESSAGE.code(), partitionError(response));
        assertEquals(endBefore, logEndOffset());
    }

    private ProduceResponse produce(RawConnection connection, MemoryRecords records) throws IOException {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topic);
        short version = 12;
        return raw.send(connection, new ProduceRequest.Builder(version, version, data).build(version));
    }

    private static short partitionError(ProduceResponse response) {
        return response.data().responses().iterator().next().partitionResponses().get(0).errorCode();
    }

    private static long logEndOffset() throws Exception {
        return Clients.offset(broker.admin(), new TopicPartition(TOPIC, 0), OffsetSpec.latest());
    }
}
