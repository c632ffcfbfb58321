package io.fjord.broker;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.BrokerFeatures;
import io.fjord.broker.config.BrokerConfig;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real server on an ephemeral port, real sockets, kafka-clients as the oracle for the bytes. */
@Timeout(60)
class BrokerServerTest {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private ApiHandlerRegistry registry;
    private BrokerServer server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        BrokerConfig config = BrokerConfig.fromMap(Map.of(
                "node.id", "1",
                "process.roles", "broker",
                "listeners", "PLAINTEXT://127.0.0.1:0",
                "socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES),
                "num.network.threads", "2"));
        registry = ApiHandlerRegistry.forBroker(BrokerFeatures.defaults());
        server = new BrokerServer(config, registry);
        server.start();
        port = server.boundPort("PLAINTEXT");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static ByteBuffer apiVersionsRequest(short version, int correlationId) {
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "test-client", correlationId);
        return new ApiVersionsRequest.Builder().build(version).serializeWithHeader(header);
    }

    private static ApiVersionsResponse exchange(RawConnection connection, short version, int correlationId) throws Exception {
        connection.sendFrame(apiVersionsRequest(version, correlationId));
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "test-client", correlationId);
        return (ApiVersionsResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3, 4})
    void apiVersionsListsExactlyTheRegisteredApis(short version) throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            ApiVersionsResponse response = exchange(connection, version, 42);

            assertEquals(Errors.NONE.code(), response.data().errorCode());
            Set<String> advertised = response.data().apiKeys().stream()
                    .map(k -> k.apiKey() + ":" + k.minVersion() + "-" + k.maxVersion())
                    .collect(Collectors.toSet());
            Set<String> registered = registry.handlers().stream()
                    .map(h -> h.apiKey().id() + ":" + h.minVersion() + "-" + h.maxVersion())
                    .collect(Collectors.toSet());
            assertEquals(registered, advertised);
            assertEquals(Set.of("18:0-4"), advertised);
        }
    }

    @Test
    void apiVersionsV3CarriesTheFeatureSection() throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            ApiVersionsResponseData data = exchange(connection, (short) 4, 1).data();

            ApiVersionsResponseData.SupportedFeatureKey metadata = data.supportedFeatures().find("metadata.version");
            assertEquals(7, metadata.minVersion());
            assertEquals(27, metadata.maxVersion());
            assertEquals(27, data.finalizedFeatures().find("metadata.version").maxVersionLevel());
            assertEquals(0L, data.finalizedFeaturesEpoch());
            assertFalse(data.zkMigrationReady());
        }
    }

    @Test
    void apiVersionsAtAnUnknownVersionGetsV0UnsupportedVersionWithTheSupportedRange() throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            connection.sendFrame(apiVersionsV5(9));

            ByteBuffer frame = connection.receiveFrame();
            assertEquals(9, frame.getInt());
            ApiVersionsResponse response = (ApiVersionsResponse) AbstractResponse.parseResponse(
                    ApiKeys.API_VERSIONS, new ByteBufferAccessor(frame), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.data().errorCode());
            ApiVersionsResponseData.ApiVersion range = response.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertEquals(0, range.minVersion());
            assertEquals(4, range.maxVersion());

            ApiVersionsResponse retried = exchange(connection, (short) 4, 10);
            assertEquals(Errors.NONE.code(), retried.data().errorCode());
        }
    }

    @Test
    void apiVersionsWithAnInvalidClientSoftwareNameGetsInvalidRequest() throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "test-client", 3);
            ApiVersionsRequest request = new ApiVersionsRequest(new org.apache.kafka.common.message.ApiVersionsRequestData()
                    .setClientSoftwareName("bad name!").setClientSoftwareVersion("1.0"), (short) 3);
            connection.sendFrame(request.serializeWithHeader(header));

            ApiVersionsResponse response = (ApiVersionsResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);

            assertEquals(Errors.INVALID_REQUEST.code(), response.data().errorCode());
        }
    }

    /** What a newer client sends: header v2 and a flexible body we do not know the layout of. */
    private static ByteBuffer apiVersionsV5(int correlationId) {
        byte[] clientId = "future-client".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(64);
        buf.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 5).putInt(correlationId);
        buf.putShort((short) clientId.length).put(clientId).put((byte) 0);
        buf.put((byte) 4).put("abc".getBytes(StandardCharsets.UTF_8)).put((byte) 2).put((byte) '1').put((byte) 0);
        buf.flip();
        return buf;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            for (int correlationId = 100; correlationId < 120; correlationId++) {
                connection.sendFrame(apiVersionsRequest((short) 3, correlationId));
            }
            for (int correlationId = 100; correlationId < 120; correlationId++) {
                ByteBuffer frame = connection.receiveFrame();
                assertEquals(correlationId, frame.getInt(0));
            }
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        try (RawConnection healthy = new RawConnection(port); RawConnection bad = new RawConnection(port)) {
            bad.sendRaw(ByteBuffer.allocate(4).putInt(0, MAX_REQUEST_BYTES + 1));

            assertTrue(bad.closedByBroker());
            assertEquals(Errors.NONE.code(), exchange(healthy, (short) 4, 1).data().errorCode());
        }
    }

    @Test
    void negativeFrameSizeClosesTheConnection() throws Exception {
        try (RawConnection bad = new RawConnection(port)) {
            bad.sendRaw(ByteBuffer.allocate(4).putInt(0, -5));
            assertTrue(bad.closedByBroker());
        }
    }

    @Test
    void garbageBytesCloseOnlyThatConnection() throws Exception {
        try (RawConnection healthy = new RawConnection(port); RawConnection bad = new RawConnection(port)) {
            exchange(healthy, (short) 4, 1);
            bad.sendFrame(ByteBuffer.wrap(new byte[] {0, 18, 0, 3, 0, 0, 0, 1, 0x7f}));

            assertTrue(bad.closedByBroker());
            assertEquals(Errors.NONE.code(), exchange(healthy, (short) 4, 2).data().errorCode());
        }
    }

    @Test
    void truncatedBodyClosesTheConnection() throws Exception {
        try (RawConnection bad = new RawConnection(port)) {
            ByteBuffer request = apiVersionsRequest((short) 3, 5);
            request.limit(request.limit() - 3);
            bad.sendFrame(request);
            assertTrue(bad.closedByBroker());
        }
    }

    @ParameterizedTest
    @ValueSource(shorts = {3, 4, 999, -1})
    void unservedApiKeyClosesOnlyThatConnection(short apiKey) throws Exception {
        try (RawConnection healthy = new RawConnection(port); RawConnection bad = new RawConnection(port)) {
            ByteBuffer request = ByteBuffer.allocate(10).putShort(apiKey).putShort((short) 0).putInt(7).putShort((short) -1);
            bad.sendFrame(request.flip());

            assertTrue(bad.closedByBroker());
            assertEquals(Errors.NONE.code(), exchange(healthy, (short) 4, 1).data().errorCode());
        }
    }

    @Test
    void manyConnectionsAreServedConcurrently() throws Exception {
        RawConnection[] connections = new RawConnection[20];
        try {
            for (int i = 0; i < connections.length; i++) {
                connections[i] = new RawConnection(port);
                connections[i].sendFrame(apiVersionsRequest((short) 4, i));
            }
            for (int i = 0; i < connections.length; i++) {
                assertEquals(i, connections[i].receiveFrame().getInt(0));
            }
        } finally {
            for (RawConnection c : connections) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
