package io.fjord.protocol;

/**
 * A failure that has a Kafka error code: thrown inside the broker, answered on the wire with
 * {@link #errorCode()}. Subclasses name the failure (OffsetOutOfRangeException, ...); see
 * {@link ErrorCode#forException}.
 */
public class ApiException extends RuntimeException {
    private final ErrorCode errorCode;

    public ApiException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public ApiException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
