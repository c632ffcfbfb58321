package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** The batches of one append together exceed segment.bytes, so no segment can hold them. */
public class RecordBatchTooLargeException extends ApiException {
    public RecordBatchTooLargeException(String message) {
        super(ErrorCode.RECORD_LIST_TOO_LARGE, message);
    }
}
