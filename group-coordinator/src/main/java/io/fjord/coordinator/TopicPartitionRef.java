package io.fjord.coordinator;

/** A topic partition by name, as offset commits and fetches name it. Immutable. */
public record TopicPartitionRef(String topic, int partition) {
}
