package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** An I/O failure in a log directory; the directory is taken offline and requests to it get this. */
public class KafkaStorageException extends ApiException {
    public KafkaStorageException(String message, Throwable cause) {
        super(ErrorCode.KAFKA_STORAGE_ERROR, message, cause);
    }

    public KafkaStorageException(String message) {
        super(ErrorCode.KAFKA_STORAGE_ERROR, message);
    }
}
