package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** A produce from a producer epoch older than the partition has seen: the producer was fenced by a newer instance. */
public class InvalidProducerEpochException extends ApiException {
    public InvalidProducerEpochException(String message) {
        super(ErrorCode.INVALID_PRODUCER_EPOCH, message);
    }
}
