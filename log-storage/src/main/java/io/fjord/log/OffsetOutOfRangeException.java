package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** A read or truncation at an offset outside [log start offset, log end offset]. */
public class OffsetOutOfRangeException extends ApiException {
    public OffsetOutOfRangeException(String message) {
        super(ErrorCode.OFFSET_OUT_OF_RANGE, message);
    }
}
