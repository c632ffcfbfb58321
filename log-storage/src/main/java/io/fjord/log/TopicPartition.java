package io.fjord.log;

/** A partition of a topic; {@link #toString()} is Kafka's {@code topic-partition}, also its log directory's name. */
public record TopicPartition(String topic, int partition) {
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
