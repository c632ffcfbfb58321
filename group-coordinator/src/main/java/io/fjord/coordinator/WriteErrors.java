package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.concurrent.CompletionException;

/**
 * Kafka's mapping of a failed {@code __consumer_offsets} append to the error clients get:
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS(_AFTER_APPEND) and REQUEST_TIMED_OUT become
 * COORDINATOR_NOT_AVAILABLE; NOT_LEADER_OR_FOLLOWER and KAFKA_STORAGE_ERROR become NOT_COORDINATOR;
 * MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE and INVALID_FETCH_SIZE become UNKNOWN_SERVER_ERROR; others stay.
 * Stateless.
 */
final class WriteErrors {
    private WriteErrors() {
    }

    static ErrorCode map(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        ErrorCode error = ErrorCode.forException(cause);
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    ErrorCode.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> ErrorCode.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> ErrorCode.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }
}
