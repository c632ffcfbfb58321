package io.fjord.broker.metrics;

import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;

import java.util.function.ToIntFunction;

/**
 * What one metadata image says about partitions, as the ReplicaManager and KafkaController gauges report it:
 * for this node the partitions it hosts (a replica here), leads, leads while under-replicated (ISR smaller than the
 * replica set) and leads with fewer in-sync replicas than the topic's min.insync.replicas; for the cluster the
 * topics, partitions and partitions without a leader. Computed once per image (images are immutable). Immutable.
 */
record ReplicaCounts(MetadataImage image, int partitions, int leaders, int underReplicated, int underMinIsr,
                     int globalTopics, int globalPartitions, int offlinePartitions) {

    /** The counts of {@code image} for node {@code nodeId}; {@code minIsr} gives a topic's min.insync.replicas. */
    static ReplicaCounts of(MetadataImage image, int nodeId, ToIntFunction<String> minIsr) {
        int partitions = 0;
        int leaders = 0;
        int underReplicated = 0;
        int underMinIsr = 0;
        int globalPartitions = 0;
        int offline = 0;
        for (TopicImage topic : image.topicsByName().values()) {
            int topicMinIsr = -1;
            for (PartitionImage p : topic.partitions().values()) {
                globalPartitions++;
                if (p.leader() == MetadataRecord.NO_LEADER) {
                    offline++;
                }
                if (p.replicas().contains(nodeId)) {
                    partitions++;
                }
                if (p.leader() == nodeId) {
                    leaders++;
                    if (p.isr().size() < p.replicas().size()) {
                        underReplicated++;
                    }
                    if (topicMinIsr < 0) {
                        topicMinIsr = minIsr.applyAsInt(topic.name());
                    }
                    if (p.isr().size() < topicMinIsr) {
                        underMinIsr++;
                    }
                }
            }
        }
        return new ReplicaCounts(image, partitions, leaders, underReplicated, underMinIsr,
                image.topicsByName().size(), globalPartitions, offline);
    }
}
