package io.fjord.log;

/**
 * One rejected record of a produced batch, as ProduceResponse v8+ reports it: its index in the batch (0 for
 * the first record) and why it was rejected.
 */
public record RecordError(int batchIndex, String message) {
    @Override
    public String toString() {
        return "RecordError(batchIndex=" + batchIndex + ", message='" + message + "')";
    }
}
