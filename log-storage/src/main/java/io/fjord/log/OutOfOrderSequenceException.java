package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** An idempotent batch whose first sequence number does not follow the producer's last one on this partition. */
public class OutOfOrderSequenceException extends ApiException {
    public OutOfOrderSequenceException(String message) {
        super(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message);
    }
}
