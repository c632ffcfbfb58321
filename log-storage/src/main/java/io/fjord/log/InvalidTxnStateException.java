package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** A client's transactional batch for a producer that has no ongoing transaction on this partition. */
public class InvalidTxnStateException extends ApiException {
    public InvalidTxnStateException(String message) {
        super(ErrorCode.INVALID_TXN_STATE, message);
    }
}
