package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

import java.util.List;

/**
 * A produced batch that broke a leader-side validation rule: INVALID_RECORD ({@link InvalidRecordException})
 * or INVALID_TIMESTAMP ({@link InvalidTimestampException}). {@link #recordErrors()} names the offending records
 * when the rule is about single records (a null key on a compacted topic, a timestamp out of range), and is
 * empty for rules about the whole batch. Nothing of the append was written.
 */
public abstract class RecordValidationException extends ApiException {
    private final List<RecordError> recordErrors;

    protected RecordValidationException(ErrorCode errorCode, String message, List<RecordError> recordErrors) {
        super(errorCode, message);
        this.recordErrors = List.copyOf(recordErrors);
    }

    public List<RecordError> recordErrors() {
        return recordErrors;
    }
}
