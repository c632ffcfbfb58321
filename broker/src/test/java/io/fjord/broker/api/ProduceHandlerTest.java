package io.fjord.broker.api;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Produce checks made before any log is touched (kafka-clients cannot encode Produce v0-2). */
class ProduceHandlerTest {
    private static ProduceRequest request(short acks) {
        return new ProduceRequest().setAcks(acks).setTimeoutMs(1000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0),
                        new ProduceRequest.PartitionProduceData().setIndex(1)))));
    }

    private static RequestContext context(short version) {
        return new RequestContext(new RequestHeader(ApiKey.PRODUCE.id(), version, 1, "c"), null, "PLAINTEXT");
    }

    @Test
    void versionsZeroToTwoAreAdvertisedButAnsweredUnsupportedVersion() throws Exception {
        ProduceHandler handler = new ProduceHandler(null, null);
        assertEquals(0, handler.minVersion());
        assertEquals(13, handler.maxVersion());
        for (short v = 0; v <= 2; v++) {
            ProduceResponse r = handler.handle(context(v), request((short) 1)).get();
            assertEquals(2, r.responses().get(0).partitionResponses().size());
            r.responses().get(0).partitionResponses().forEach(p ->
                    assertEquals(ErrorCode.UNSUPPORTED_VERSION.code(), p.errorCode()));
        }
    }

    @Test
    void acksOtherThanZeroOneAndAllAreInvalid() throws Exception {
        ProduceResponse r = new ProduceHandler(null, null).handle(context((short) 9), request((short) 2)).get();
        r.responses().get(0).partitionResponses().forEach(p ->
                assertEquals(ErrorCode.INVALID_REQUIRED_ACKS.code(), p.errorCode()));
    }

    @Test
    void withAcksZeroAFailedRequestClosesTheConnectionInsteadOfAnswering() {
        ProduceHandler handler = new ProduceHandler(null, null);
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> handler.handle(context((short) 2), request((short) 0)).get());
        assertInstanceOf(CloseConnectionException.class, failure.getCause());
        assertNull(handler.errorResponse(request((short) 0), ErrorCode.UNKNOWN_SERVER_ERROR));
    }
}
