package io.fjord.metadata;

import java.util.List;

/**
 * One partition as the metadata log last stated it: replicas (the first is the preferred leader), ISR,
 * leader ({@link MetadataRecord#NO_LEADER} if none), leader epoch (bumped on every leader change) and
 * partition epoch (bumped on every change). Immutable.
 */
public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader,
                             int leaderEpoch, int partitionEpoch) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
