package io.fjord.metadata;

import io.fjord.protocol.Uuid;

import java.util.NavigableMap;
import java.util.TreeMap;

/** One topic: name, id and its partitions by index (0..n-1). Immutable. */
public record TopicImage(String name, Uuid id, NavigableMap<Integer, PartitionImage> partitions) {
    public TopicImage {
        partitions = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(partitions));
    }

    public PartitionImage partition(int index) {
        return partitions.get(index);
    }

    public int partitionCount() {
        return partitions.size();
    }

    TopicImage withPartition(PartitionImage p) {
        TreeMap<Integer, PartitionImage> copy = new TreeMap<>(partitions);
        copy.put(p.partition(), p);
        return new TopicImage(name, id, copy);
    }

    static TopicImage empty(String name, Uuid id) {
        return new TopicImage(name, id, new TreeMap<>());
    }
}
