package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.IOException;

/**
 * Requests that kafka-clients encodes, sent as raw frames over a {@link RawConnection}, and their responses as
 * kafka-clients parses them (which checks the correlation id): the way the ITs test a version or a field the
 * stock clients would not send. Each request gets the next correlation id.
 *
 * <p>Not thread-safe: one test thread uses it.
 */
final class RawClient {
    private final int port;
    private int correlationId;

    RawClient(int port) {
        this.port = port;
    }

    /** {@code request} on a new connection, closed after the response. */
    <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        try (RawConnection connection = new RawConnection(port)) {
            return send(connection, request);
        }
    }

    /** {@code request} on {@code connection}, waiting for its response. */
    <R extends AbstractResponse> R send(RawConnection connection, AbstractRequest request) throws IOException {
        return receive(connection, write(connection, request));
    }

    /** Writes {@code request} without waiting for a response; the header is what {@link #receive} needs. */
    RequestHeader write(RawConnection connection, AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "fjord-it", ++correlationId);
        connection.sendFrame(request.serializeWithHeader(header));
        return header;
    }

    /** The response to the request {@code header} was written with. */
    @SuppressWarnings("unchecked")
    static <R extends AbstractResponse> R receive(RawConnection connection, RequestHeader header) throws IOException {
        return (R) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    /** ApiVersions v3 on {@code connection}. */
    ApiVersionsResponse apiVersions(RawConnection connection) throws IOException {
        return send(connection, new ApiVersionsRequest.Builder().build((short) 3));
    }
}
