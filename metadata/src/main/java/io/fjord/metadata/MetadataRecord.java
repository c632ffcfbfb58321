package io.fjord.metadata;

import io.fjord.protocol.Uuid;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the cluster metadata log (the role KRaft's metadata records play). Records are facts the
 * controller has decided; {@link MetadataDelta#replay} turns them into state, and replaying the same
 * records in the same order always yields the same {@link MetadataImage}.
 *
 * <p>Every record is an immutable value; lists are copied on construction. The binary form is defined by
 * {@link MetadataRecordSerde}.
 */
public sealed interface MetadataRecord {

    /** Sentinel for "no leader", as Kafka uses it. */
    int NO_LEADER = -1;

    /** A topic came into existence; its partitions follow as {@link PartitionRecord}s. */
    record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
        public TopicRecord {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** The full state of one partition: created, or (re)stated in a snapshot. */
    record PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr,
                           int leader, int leaderEpoch, int partitionEpoch) implements MetadataRecord {
        public PartitionRecord {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }
    }

    /**
     * A change of leader and/or ISR. {@code leader == NO_LEADER_CHANGE} keeps the leader, {@code isr == null}
     * keeps the ISR. Replaying bumps the partition epoch, and the leader epoch when the leader changes.
     */
    record PartitionChangeRecord(Uuid topicId, int partition, int leader, List<Integer> isr)
            implements MetadataRecord {
        public static final int NO_LEADER_CHANGE = -2;

        public PartitionChangeRecord {
            Objects.requireNonNull(topicId, "topicId");
            isr = isr == null ? null : List.copyOf(isr);
        }
    }

    /** Set ({@code value != null}) or delete ({@code value == null}) one config key of a resource. */
    record ConfigRecord(ConfigResource.Type resourceType, String resourceName, String key, String value)
            implements MetadataRecord {
        public ConfigRecord {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceName, "resourceName");
            Objects.requireNonNull(key, "key");
        }

        public ConfigResource resource() {
            return new ConfigResource(resourceType, resourceName);
        }
    }

    /** A topic, its partitions and its configs are gone. */
    record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
        public RemoveTopicRecord {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** A broker (re)registered with a new epoch; replaces any earlier registration of the same id. */
    record RegisterBrokerRecord(int brokerId, long brokerEpoch, List<Endpoint> endpoints, String rack)
            implements MetadataRecord {
        public RegisterBrokerRecord {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** A finalized feature level (e.g. metadata.version); level 0 removes the feature. */
    record FeatureLevelRecord(String name, short level) implements MetadataRecord {
        public FeatureLevelRecord {
            Objects.requireNonNull(name, "name");
        }
    }

    /** One listener of a registered broker. {@code securityProtocol} is Kafka's id (0 = PLAINTEXT). */
    record Endpoint(String name, String host, int port, short securityProtocol) {
        public Endpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(host, "host");
        }
    }
}
