package io.fjord.log;

import io.fjord.protocol.ErrorCode;

import java.util.List;

/**
 * A produced batch Kafka answers with INVALID_RECORD: more or fewer than one batch, a control batch or an
 * inconsistent offset range from a client, record offset deltas out of order, or records without a key on a
 * compacted topic (then with {@link #recordErrors()}).
 */
public class InvalidRecordException extends RecordValidationException {
    public InvalidRecordException(String message) {
        super(ErrorCode.INVALID_RECORD, message, List.of());
    }

    public InvalidRecordException(String message, List<RecordError> recordErrors) {
        super(ErrorCode.INVALID_RECORD, message, recordErrors);
    }
}
