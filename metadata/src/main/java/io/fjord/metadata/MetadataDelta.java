package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.FeatureLevelRecord;
import io.fjord.metadata.MetadataRecord.PartitionChangeRecord;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.RegisterBrokerRecord;
import io.fjord.metadata.MetadataRecord.RemoveTopicRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.Uuid;

import java.util.HashMap;
import java.util.Map;

/**
 * Applies records to a base {@link MetadataImage} and produces the next image: the only place where
 * metadata state changes ({@link #replay}). The same replay serves committed log entries, snapshot loading
 * and the controller's own look-ahead.
 *
 * <p>Cost: each top-level map (topics, configs, brokers, features) is copied at most once per delta, on
 * its first change, and only the changed topics are rebuilt; unchanged {@link TopicImage}s are shared with
 * the base image. A delta covers one log entry (one batch) in the state machine.
 *
 * <p>Invariant violations in the records (a partition of an unknown topic, a duplicate topic name or id)
 * throw {@link IllegalStateException}: the controller never writes such records.
 *
 * <p>Not thread-safe: one thread builds a delta, then publishes the immutable result of {@link #apply}.
 */
public final class MetadataDelta {

    private final MetadataImage base;
    private Map<String, TopicImage> topicsByName;
    private Map<Uuid, TopicImage> topicsById;
    private Map<ConfigResource, Map<String, String>> configs;
    private Map<Integer, BrokerRegistration> brokers;
    private Map<String, Short> features;
    private boolean applied;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
    }

    public MetadataDelta replay(MetadataRecord record) {
        if (applied) {
            throw new IllegalStateException("a delta is used once: replay after apply");
        }
        if (record instanceof TopicRecord r) {
            replayTopic(r);
        } else if (record instanceof PartitionRecord r) {
            TopicImage topic = requireTopic(r.topicId());
            putTopic(topic.withPartition(new PartitionImage(r.partition(), r.replicas(), r.isr(), r.leader(),
                    r.leaderEpoch(), r.partitionEpoch())));
        } else if (record instanceof PartitionChangeRecord r) {
            replayPartitionChange(r);
        } else if (record instanceof ConfigRecord r) {
            replayConfig(r);
        } else if (record instanceof RemoveTopicRecord r) {
            TopicImage topic = requireTopic(r.topicId());
            topicsByName().remove(topic.name());
            topicsById().remove(topic.id());
            configs().remove(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
        } else if (record instanceof RegisterBrokerRecord r) {
            brokers().put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.brokerEpoch(), r.endpoints(), r.rack()));
        } else if (record instanceof FeatureLevelRecord r) {
            if (r.level() == 0) {
                features().remove(r.name());
            } else {
                features().put(r.name(), r.level());
            }
        }
        return this;
    }

    public MetadataDelta replayAll(Iterable<? extends MetadataRecord> records) {
        for (MetadataRecord r : records) {
            replay(r);
        }
        return this;
    }

    /** The image with every replayed record applied, at log index {@code offset}. Ends this delta. */
    public MetadataImage apply(long offset) {
        applied = true;
        return new MetadataImage(base.clusterId(), offset,
                topicsByName != null ? topicsByName : base.topicsByName(),
                topicsById != null ? topicsById : base.topicsById(),
                configs != null ? configs : base.allConfigs(),
                brokers != null ? brokers : base.brokers(),
                features != null ? features : base.features());
    }

    private void replayTopic(TopicRecord r) {
        TopicImage byName = topicsByName().get(r.name());
        if (byName != null) {
            throw new IllegalStateException("topic " + r.name() + " already exists with id " + byName.id());
        }
        if (topicsById().containsKey(r.topicId())) {
            throw new IllegalStateException("topic id " + r.topicId() + " already in use");
        }
        putTopic(TopicImage.empty(r.name(), r.topicId()));
    }

    private void replayPartitionChange(PartitionChangeRecord r) {
        TopicImage topic = requireTopic(r.topicId());
        PartitionImage p = topic.partition(r.partition());
        if (p == null) {
            throw new IllegalStateException("no partition " + r.partition() + " in topic " + topic.name());
        }
        boolean leaderChanges = r.leader() != PartitionChangeRecord.NO_LEADER_CHANGE && r.leader() != p.leader();
        putTopic(topic.withPartition(new PartitionImage(p.partition(), p.replicas(),
                r.isr() != null ? r.isr() : p.isr(),
                leaderChanges ? r.leader() : p.leader(),
                leaderChanges ? p.leaderEpoch() + 1 : p.leaderEpoch(),
                p.partitionEpoch() + 1)));
    }

    private void replayConfig(ConfigRecord r) {
        Map<ConfigResource, Map<String, String>> all = configs();
        ConfigResource resource = r.resource();
        Map<String, String> current = new HashMap<>(all.getOrDefault(resource, Map.of()));
        if (r.value() == null) {
            current.remove(r.key());
        } else {
            current.put(r.key(), r.value());
        }
        if (current.isEmpty()) {
            all.remove(resource);
        } else {
            all.put(resource, Map.copyOf(current));
        }
    }

    private TopicImage requireTopic(Uuid id) {
        TopicImage topic = topicsById().get(id);
        if (topic == null) {
            throw new IllegalStateException("unknown topic id " + id);
        }
        return topic;
    }

    private void putTopic(TopicImage topic) {
        topicsByName().put(topic.name(), topic);
        topicsById().put(topic.id(), topic);
    }

    private Map<String, TopicImage> topicsByName() {
        if (topicsByName == null) {
            topicsByName = new HashMap<>(base.topicsByName());
        }
        return topicsByName;
    }

    private Map<Uuid, TopicImage> topicsById() {
        if (topicsById == null) {
            topicsById = new HashMap<>(base.topicsById());
        }
        return topicsById;
    }

    private Map<ConfigResource, Map<String, String>> configs() {
        if (configs == null) {
            configs = new HashMap<>(base.allConfigs());
        }
        return configs;
    }

    private Map<Integer, BrokerRegistration> brokers() {
        if (brokers == null) {
            brokers = new HashMap<>(base.brokers());
        }
        return brokers;
    }

    private Map<String, Short> features() {
        if (features == null) {
            features = new HashMap<>(base.features());
        }
        return features;
    }
}
