package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.FeatureLevelRecord;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.RegisterBrokerRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.Uuid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster metadata at one point of the metadata log: topics (by name and by id), their partitions,
 * dynamic configs, registered brokers, finalized features and the cluster id. Every component reads the latest image; a
 * new image is published atomically after each applied log entry.
 *
 * <p>Invariants: {@code topicsByName} and {@code topicsById} hold the same topics; configs of a topic
 * exist only while the topic does; {@code offset} is the Raft log index of the last entry applied
 * (-1 for the empty image); indexes are increasing but not contiguous, as Ratis writes entries of its own.
 *
 * <p>Immutable and thread-safe. Built only by {@link MetadataDelta}; {@link #toRecords()} restates it as
 * records whose replay onto {@link #EMPTY} rebuilds an equal image (the snapshot format).
 */
public final class MetadataImage {

    public static final MetadataImage EMPTY = new MetadataImage(null, -1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    private final String clusterId;
    private final long offset;
    private final Map<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    private final Map<ConfigResource, Map<String, String>> configs;
    private final Map<Integer, BrokerRegistration> brokers;
    private final Map<String, Short> features;

    MetadataImage(String clusterId, long offset, Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                  Map<ConfigResource, Map<String, String>> configs, Map<Integer, BrokerRegistration> brokers,
                  Map<String, Short> features) {
        this.clusterId = clusterId;
        this.offset = offset;
        this.topicsByName = Collections.unmodifiableMap(topicsByName);
        this.topicsById = Collections.unmodifiableMap(topicsById);
        this.configs = Collections.unmodifiableMap(configs);
        this.brokers = Collections.unmodifiableMap(brokers);
        this.features = Collections.unmodifiableMap(features);
    }

    /** The cluster id from meta.properties (null in {@link #EMPTY}); not part of the log. */
    public String clusterId() {
        return clusterId;
    }

    /** This image for the cluster {@code id}. */
    public MetadataImage withClusterId(String id) {
        return new MetadataImage(id, offset, topicsByName, topicsById, configs, brokers, features);
    }

    public long offset() {
        return offset;
    }

    public Map<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    public Map<Uuid, TopicImage> topicsById() {
        return topicsById;
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }

    /** Dynamic configs of a resource (empty if none); the map is unmodifiable. */
    public Map<String, String> configs(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }

    public Map<ConfigResource, Map<String, String>> allConfigs() {
        return configs;
    }

    public Map<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    public Map<String, Short> features() {
        return features;
    }

    public MetadataDelta toDelta() {
        return new MetadataDelta(this);
    }

    /** Records that rebuild this image from {@link #EMPTY}, in a deterministic order. */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> out = new ArrayList<>();
        new TreeMap<>(features).forEach((k, v) -> out.add(new FeatureLevelRecord(k, v)));
        new TreeMap<>(brokers).forEach((id, b) ->
                out.add(new RegisterBrokerRecord(id, b.epoch(), b.endpoints(), b.rack())));
        new TreeMap<>(topicsByName).forEach((name, t) -> {
            out.add(new TopicRecord(name, t.id()));
            t.partitions().values().forEach(p -> out.add(new PartitionRecord(t.id(), p.partition(),
                    p.replicas(), p.isr(), p.leader(), p.leaderEpoch(), p.partitionEpoch())));
        });
        SortedMap<String, ConfigResource> resources = new TreeMap<>();
        configs.keySet().forEach(r -> resources.put(r.type() + "/" + r.name(), r));
        resources.values().forEach(r -> new TreeMap<>(configs.get(r)).forEach((k, v) ->
                out.add(new ConfigRecord(r.type(), r.name(), k, v))));
        return out;
    }

    /** Equal content (the offset is not compared). */
    public boolean sameContentAs(MetadataImage other) {
        return topicsByName.equals(other.topicsByName) && configs.equals(other.configs)
                && brokers.equals(other.brokers) && features.equals(other.features);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataImage other && offset == other.offset && sameContentAs(other);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + topicsByName.hashCode();
    }

    @Override
    public String toString() {
        return "MetadataImage(offset=" + offset + ", topics=" + topicsByName.keySet() + ", brokers="
                + brokers.keySet() + ", configs=" + configs + ", features=" + features + ")";
    }
}
