package io.fjord.protocol.records;

import io.fjord.protocol.ProtocolDecodeException;

/**
 * A record batch that is not valid v2: wrong magic, impossible length, CRC mismatch, truncated or
 * over-long records, a record count that disagrees with the records present, a corrupt compressed stream
 * or one that decompresses beyond the allowed size. The broker answers it with CORRUPT_MESSAGE.
 */
public class CorruptRecordException extends ProtocolDecodeException {
    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
