package io.fjord.broker.api;

import io.fjord.protocol.RequestHeader;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who sent a request and how: its header, the client's address and the listener it came in on, plus the
 * {@link RequestTimes} of its phases (the only mutable part: a handler that waits in a purgatory marks the
 * end of its local work there). Handlers read it; they never see the Netty channel.
 */
public record RequestContext(RequestHeader header, SocketAddress clientAddress, String listenerName,
                             RequestTimes times) {

    /** A context received now (tests and requests built outside the network pipeline). */
    public RequestContext(RequestHeader header, SocketAddress clientAddress, String listenerName) {
        this(header, clientAddress, listenerName, RequestTimes.now());
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    /** The client's address as Kafka names it in group descriptions: "/" followed by the IP address. */
    public String clientHost() {
        if (clientAddress instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().toString();
        }
        return String.valueOf(clientAddress);
    }

    @Override
    public String toString() {
        return "api " + header.apiKey() + " v" + header.apiVersion() + ", correlation id " + header.correlationId()
                + ", client id " + header.clientId() + ", from " + clientAddress + " on " + listenerName;
    }
}
