package io.fjord.broker.api;

/**
 * A handler's way to say "answer by closing the connection": the request expects no response (Produce with
 * acks=0) but failed, and as in Kafka the client learns of the failure only from the closed connection
 * (and then refreshes its metadata). {@link RequestDispatcher} passes it through untouched; the connection's
 * sequencer closes the connection. Carries no stack trace. Immutable.
 */
public final class CloseConnectionException extends RuntimeException {

    public CloseConnectionException(String message) {
        super(message, null, false, false);
    }
}
