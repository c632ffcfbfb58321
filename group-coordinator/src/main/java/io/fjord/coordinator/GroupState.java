package io.fjord.coordinator;

/**
 * The states of a classic consumer group, with Kafka's names and transitions:
 * Empty -> PreparingRebalance -> CompletingRebalance -> Stable, back to PreparingRebalance when membership or
 * metadata changes, to Empty when the last member goes, and Dead once the group is deleted or unloaded.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name DescribeGroups and ListGroups put on the wire. */
    public String kafkaName() {
        return kafkaName;
    }
}
