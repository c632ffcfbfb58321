package io.fjord.protocol;

/**
 * Bytes that are not a valid encoding: truncated, with a negative or oversized length, an invalid varint,
 * a bad CRC, or an unexpected null. The one exception every decoder in this module throws for bad input;
 * the broker answers it by closing the connection (frames) or with CORRUPT_MESSAGE (record batches).
 */
public class ProtocolDecodeException extends RuntimeException {
    public ProtocolDecodeException(String message) {
        super(message);
    }

    public ProtocolDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
