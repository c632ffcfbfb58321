package io.fjord.log;

import io.fjord.protocol.ErrorCode;

import java.util.List;

/**
 * A produced batch with records whose CreateTime lies outside the topic's message.timestamp.before.max.ms /
 * message.timestamp.after.max.ms window, or that claims LogAppendTime itself: INVALID_TIMESTAMP, with the
 * offending records in {@link #recordErrors()}.
 */
public class InvalidTimestampException extends RecordValidationException {
    public InvalidTimestampException(String message, List<RecordError> recordErrors) {
        super(ErrorCode.INVALID_TIMESTAMP, message, recordErrors);
    }
}
