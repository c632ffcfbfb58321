package io.fjord.broker.config;

import io.fjord.log.LogConfig;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicConfigs;
import io.fjord.metadata.TopicConfigs.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The effective configuration of topics and of this broker, layered as Kafka layers it: a topic's own configs
 * (DYNAMIC_TOPIC_CONFIG) over this broker's dynamic configs (DYNAMIC_BROKER_CONFIG, the image's BROKER
 * resource named by the node id) over the cluster-wide dynamic defaults (DYNAMIC_DEFAULT_BROKER_CONFIG, the
 * BROKER resource "") over server.properties (STATIC_BROKER_CONFIG) over Kafka's defaults (DEFAULT_CONFIG).
 * DescribeConfigs and CreateTopics (v5+) answer from here, and the partition logs take their
 * {@link LogConfig} from {@link #effectiveBrokerProperties}.
 *
 * <p>Synonyms follow Kafka: a topic config's synonyms are the topic's own value then its broker-level keys
 * ({@code retention.ms}: log.retention.ms, log.retention.minutes, log.retention.hours) by source, from the
 * first entry naming the most precise broker key on (so a default log.retention.hours alone yields none and
 * the source DEFAULT_CONFIG, as Kafka answers). Configs of unknown type are sensitive (no value), as Kafka
 * treats them.
 *
 * <p>Which broker configs may change at run time ({@link #isDynamicBrokerConfig}): the broker-level keys topic
 * configs inherit (log.segment.bytes, log.retention.ms, message.max.bytes, ...), which the logs follow;
 * every other known key is read-only (Kafka's "Cannot update these configs dynamically"); unknown keys are
 * stored as Kafka stores them.
 *
 * <p>Stateless apart from the static properties; thread-safe.
 */
public final class ConfigDescriber {
    public static final byte TOPIC_CONFIG = 1;
    public static final byte DYNAMIC_BROKER_CONFIG = 2;
    public static final byte DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
    public static final byte STATIC_BROKER_CONFIG = 4;
    public static final byte DEFAULT_CONFIG = 5;
    public static final byte UNKNOWN_TYPE = 0;

    /** A described config; {@code value} is null for sensitive ones; {@code type} is the wire id. */
    public record Entry(String name, String value, byte source, boolean readOnly, boolean sensitive,
                        List<Synonym> synonyms, byte type, String documentation) {
    }

    public record Synonym(String name, String value, byte source) {
    }

    /** A broker-level key: type, Kafka's default (null if none), whether it may change at run time. */
    private record BrokerKey(String name, Type type, String defaultValue, boolean dynamic, String documentation) {
    }

    private static final Map<String, BrokerKey> BROKER_KEYS = brokerKeys();

    private final Map<String, String> staticProps;
    private final int nodeId;

    public ConfigDescriber(Map<String, String> staticProps, int nodeId) {
        this.staticProps = Map.copyOf(staticProps);
        this.nodeId = nodeId;
    }

    private static Map<String, BrokerKey> brokerKeys() {
        Map<String, BrokerKey> keys = new TreeMap<>();
        Map<String, String> brokerDefaults = Map.ofEntries(
                Map.entry("log.roll.hours", "168"), Map.entry("log.roll.jitter.hours", "0"),
                Map.entry("log.retention.hours", "168"),
                Map.entry("log.flush.scheduler.interval.ms", Long.toString(Long.MAX_VALUE)));
        Set<String> nullDefaults = Set.of("log.roll.ms", "log.roll.jitter.ms", "log.retention.ms",
                "log.retention.minutes", "log.flush.interval.ms");
        for (TopicConfigs.Definition def : TopicConfigs.DEFINITIONS.values()) {
            for (String key : def.brokerSynonyms()) {
                String defaultValue = brokerDefaults.containsKey(key) ? brokerDefaults.get(key)
                        : nullDefaults.contains(key) ? null : def.defaultValue();
                Type type = key.endsWith(".hours") || key.endsWith(".minutes") ? Type.INT : def.type();
                keys.put(key, new BrokerKey(key, type, defaultValue, true,
                        "Broker-wide default of the topic config " + def.name() + ": " + def.documentation()));
            }
        }
        staticKey(keys, "node.id", Type.INT, "-1", "This node's id.");
        staticKey(keys, "process.roles", Type.LIST, "", "The roles of this node: broker, controller or both.");
        staticKey(keys, "listeners", Type.STRING, "PLAINTEXT://:9092", "The listeners this node binds.");
        staticKey(keys, "advertised.listeners", Type.STRING, null, "The listeners clients are told to use.");
        staticKey(keys, "controller.listener.names", Type.STRING, null, "The listeners of the controller.");
        staticKey(keys, "controller.quorum.voters", Type.LIST, "", "The voters of the metadata quorum.");
        staticKey(keys, "log.dirs", Type.STRING, null, "The directories partition logs are kept in.");
        staticKey(keys, "log.dir", Type.STRING, "/tmp/kafka-logs", "The log directory when log.dirs is not set.");
        staticKey(keys, "metadata.log.dir", Type.STRING, null, "The directory of the metadata log.");
        staticKey(keys, "socket.request.max.bytes", Type.INT, "104857600", "Largest request accepted.");
        staticKey(keys, "connections.max.idle.ms", Type.LONG, "600000", "Idle connections are closed after this.");
        staticKey(keys, "num.network.threads", Type.INT, "3", "Threads serving the network.");
        staticKey(keys, "num.io.threads", Type.INT, "8", "Threads doing disk work for requests.");
        staticKey(keys, "num.partitions", Type.INT, "1", "Partitions of a topic created without a count.");
        staticKey(keys, "default.replication.factor", Type.INT, "1", "Replication factor of auto-created topics.");
        staticKey(keys, "auto.create.topics.enable", Type.BOOLEAN, "true", "Create topics on first use.");
        staticKey(keys, "num.recovery.threads.per.data.dir", Type.INT, "2",
                "Threads per log directory recovering logs at startup and flushing at shutdown.");
        staticKey(keys, "max.incremental.fetch.session.cache.slots", Type.INT, "1000",
                "Incremental fetch sessions (KIP-227) this broker keeps at most.");
        staticKey(keys, "log.retention.check.interval.ms", Type.LONG, "300000", "How often retention runs.");
        staticKey(keys, "group.min.session.timeout.ms", Type.INT, "6000", "Shortest session timeout a group member may ask for.");
        staticKey(keys, "group.max.session.timeout.ms", Type.INT, "1800000", "Longest session timeout a group member may ask for.");
        staticKey(keys, "group.initial.rebalance.delay.ms", Type.INT, "3000",
                "How long the first rebalance of an empty group waits for more members to join.");
        staticKey(keys, "group.max.size", Type.INT, String.valueOf(Integer.MAX_VALUE), "Most members a classic group may have.");
        staticKey(keys, "offsets.topic.num.partitions", Type.INT, "50", "Partitions of __consumer_offsets.");
        staticKey(keys, "offsets.topic.replication.factor", Type.SHORT, "3", "Replication factor of __consumer_offsets.");
        staticKey(keys, "offsets.topic.segment.bytes", Type.INT, "104857600", "segment.bytes of __consumer_offsets.");
        staticKey(keys, "offsets.retention.minutes", Type.INT, "10080",
                "How long the committed offsets of an empty group are kept.");
        staticKey(keys, "offsets.retention.check.interval.ms", Type.LONG, "600000", "How often expired offsets are removed.");
        staticKey(keys, "offset.metadata.max.bytes", Type.INT, "4096", "Largest metadata string of a committed offset.");
        return java.util.Collections.unmodifiableMap(keys);
    }

    private static void staticKey(Map<String, BrokerKey> keys, String name, Type type, String defaultValue, String doc) {
        keys.put(name, new BrokerKey(name, type, defaultValue, false, doc));
    }

    /** True if the broker-level {@code key} may be altered at run time (by Kafka's and this broker's rules). */
    public static boolean isDynamicBrokerConfig(String key) {
        BrokerKey k = BROKER_KEYS.get(key);
        return k == null || k.dynamic();
    }

    /** True if {@code key} is a broker config this broker knows. */
    public static boolean isKnownBrokerConfig(String key) {
        return BROKER_KEYS.containsKey(key);
    }

    /** server.properties under this broker's dynamic configs: what topic configs default to. */
    public Map<String, String> effectiveBrokerProperties(MetadataImage image) {
        Map<String, String> merged = new HashMap<>(staticProps);
        merged.putAll(image.configs(new ConfigResource(ConfigResource.Type.BROKER, "")));
        merged.putAll(image.configs(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodeId))));
        return merged;
    }

    /** The log config of {@code topic}: its configs in the image over {@link #effectiveBrokerProperties}. */
    public LogConfig logConfig(MetadataImage image, String topic) {
        return LogConfig.of(image.configs(new ConfigResource(ConfigResource.Type.TOPIC, topic)),
                effectiveBrokerProperties(image));
    }

    /**
     * Every topic config, as DescribeConfigs answers for a topic whose own configs are {@code topicConfigs}
     * ({@code kafkaDescribeSynonyms}: synonyms from the most precise broker key on, as DescribeConfigs does;
     * else every source that sets a synonym, as CreateTopics reports), sorted by name.
     */
    public List<Entry> topicEntries(MetadataImage image, Map<String, String> topicConfigs,
                                    boolean kafkaDescribeSynonyms) {
        Map<String, String> broker = effectiveBrokerProperties(image);
        LogConfig log = LogConfig.of(topicConfigs, broker);
        List<Entry> out = new ArrayList<>();
        for (TopicConfigs.Definition def : TopicConfigs.DEFINITIONS.values()) {
            String name = def.name();
            List<Synonym> synonyms = new ArrayList<>();
            if (topicConfigs.containsKey(name)) {
                synonyms.add(new Synonym(name, topicConfigs.get(name).trim(), TOPIC_CONFIG));
            }
            List<Synonym> brokerSynonyms = brokerSynonyms(image, def.brokerSynonyms());
            if (kafkaDescribeSynonyms && !def.brokerSynonyms().isEmpty()) {
                String first = def.brokerSynonyms().get(0);
                int from = 0;
                while (from < brokerSynonyms.size() && !brokerSynonyms.get(from).name().equals(first)) {
                    from++;
                }
                brokerSynonyms = brokerSynonyms.subList(from, brokerSynonyms.size());
            }
            synonyms.addAll(brokerSynonyms);
            String value;
            if (topicConfigs.containsKey(name)) {
                value = topicConfigs.get(name).trim();
            } else if (log.value(name) != null) {
                value = log.value(name);
            } else {
                value = def.defaultValue();
                for (String key : def.brokerSynonyms()) {
                    if (broker.containsKey(key)) {
                        value = broker.get(key).trim();
                        break;
                    }
                }
            }
            byte source = synonyms.isEmpty() ? DEFAULT_CONFIG : synonyms.get(0).source();
            out.add(new Entry(name, value, source, false, false, synonyms, def.type().id(), def.documentation()));
        }
        return out;
    }

    /** Synonyms of broker-level {@code keys} grouped by source in Kafka's order, each source in key order. */
    private List<Synonym> brokerSynonyms(MetadataImage image, List<String> keys) {
        List<Synonym> out = new ArrayList<>();
        Map<String, String> dynamicNode = image.configs(new ConfigResource(ConfigResource.Type.BROKER,
                Integer.toString(nodeId)));
        Map<String, String> dynamicDefault = image.configs(new ConfigResource(ConfigResource.Type.BROKER, ""));
        addSynonyms(out, keys, dynamicNode, DYNAMIC_BROKER_CONFIG);
        addSynonyms(out, keys, dynamicDefault, DYNAMIC_DEFAULT_BROKER_CONFIG);
        addSynonyms(out, keys, staticProps, STATIC_BROKER_CONFIG);
        Map<String, String> defaults = new HashMap<>();
        for (String key : keys) {
            BrokerKey k = BROKER_KEYS.get(key);
            if (k != null && k.defaultValue() != null) {
                defaults.put(key, k.defaultValue());
            }
        }
        addSynonyms(out, keys, defaults, DEFAULT_CONFIG);
        return out;
    }

    private static void addSynonyms(List<Synonym> out, List<String> keys, Map<String, String> values, byte source) {
        for (String key : keys) {
            String value = values.get(key);
            if (value != null) {
                out.add(new Synonym(key, sensitive(key) ? null : value, source));
            }
        }
    }

    private static boolean sensitive(String key) {
        BrokerKey k = BROKER_KEYS.get(key);
        return k == null || k.type() == Type.PASSWORD;
    }

    /** Broker-level keys that stand for the same setting, most precise first (log.retention.ms/minutes/hours). */
    private static List<String> brokerSynonymKeys(String name) {
        return switch (name) {
            case "log.roll.ms" -> List.of("log.roll.ms", "log.roll.hours");
            case "log.roll.jitter.ms" -> List.of("log.roll.jitter.ms", "log.roll.jitter.hours");
            case "log.flush.interval.ms" -> List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms");
            case "log.retention.ms" -> List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours");
            default -> List.of(name);
        };
    }

    /**
     * The configs of this broker (resource name = node id): every known broker key, every key of
     * server.properties and every dynamic one, with the effective value, sorted by name.
     */
    public List<Entry> brokerEntries(MetadataImage image) {
        Map<String, String> effective = effectiveBrokerProperties(image);
        Set<String> names = new TreeSet<>(BROKER_KEYS.keySet());
        names.addAll(effective.keySet());
        List<Entry> out = new ArrayList<>();
        for (String name : names) {
            List<Synonym> synonyms = new ArrayList<>(brokerSynonyms(image, brokerSynonymKeys(name)));
            int from = 0;
            while (from < synonyms.size() && !synonyms.get(from).name().equals(name)) {
                from++;
            }
            synonyms = synonyms.subList(from, synonyms.size());
            BrokerKey key = BROKER_KEYS.get(name);
            boolean sensitive = sensitive(name);
            String value = effective.containsKey(name) ? effective.get(name) : key == null ? null : key.defaultValue();
            out.add(new Entry(name, sensitive ? null : value,
                    synonyms.isEmpty() ? DEFAULT_CONFIG : synonyms.get(0).source(),
                    !isDynamicBrokerConfig(name), sensitive, List.copyOf(synonyms),
                    key == null ? UNKNOWN_TYPE : key.type().id(), key == null ? null : key.documentation()));
        }
        return out;
    }

    /** The cluster-wide dynamic defaults (resource name ""): only keys set there, as Kafka answers. */
    public List<Entry> clusterDefaultEntries(MetadataImage image) {
        Map<String, String> defaults = new TreeMap<>(image.configs(new ConfigResource(ConfigResource.Type.BROKER, "")));
        List<Entry> out = new ArrayList<>();
        defaults.forEach((name, value) -> {
            BrokerKey key = BROKER_KEYS.get(name);
            boolean sensitive = sensitive(name);
            List<Synonym> synonyms = new ArrayList<>();
            for (String k : brokerSynonymKeys(name)) {
                if (defaults.containsKey(k)) {
                    synonyms.add(new Synonym(k, sensitive ? null : defaults.get(k), DYNAMIC_DEFAULT_BROKER_CONFIG));
                }
            }
            out.add(new Entry(name, sensitive ? null : value, DYNAMIC_DEFAULT_BROKER_CONFIG,
                    !isDynamicBrokerConfig(name), sensitive, synonyms,
                    key == null ? UNKNOWN_TYPE : key.type().id(), key == null ? null : key.documentation()));
        });
        return out;
    }

    /** The type of a broker key for validation (null if unknown). */
    static Type brokerKeyType(String name) {
        BrokerKey k = BROKER_KEYS.get(name);
        return k == null ? null : k.type();
    }

    /**
     * Checks the broker-level configs {@code merged} (static properties under dynamic ones) would give the
     * topics: every topic config they feed must still parse and be in range.
     *
     * @throws io.fjord.log.ConfigException INVALID_CONFIG naming the key
     */
    public static void validateBrokerValues(Map<String, String> changed, Map<String, String> merged) {
        for (Map.Entry<String, String> e : changed.entrySet()) {
            Type type = brokerKeyType(e.getKey());
            if (type == null || e.getValue() == null) {
                continue;
            }
            String v = e.getValue().trim();
            try {
                switch (type) {
                    case INT -> Integer.parseInt(v);
                    case LONG -> Long.parseLong(v);
                    case DOUBLE -> Double.parseDouble(v);
                    case BOOLEAN -> {
                        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                            throw new io.fjord.log.ConfigException(e.getKey(), v,
                                    "Expected value to be either true or false");
                        }
                    }
                    default -> {
                    }
                }
            } catch (NumberFormatException ex) {
                throw new io.fjord.log.ConfigException(e.getKey(), v, "Not a number of type " + type);
            }
        }
        Map<String, String> asTopic = new LinkedHashMap<>();
        for (TopicConfigs.Definition def : TopicConfigs.DEFINITIONS.values()) {
            for (String key : def.brokerSynonyms()) {
                boolean checkedAsTopic = !LogConfig.BROKER_KEYS.containsKey(def.name()) || def.name().equals("segment.bytes");
                if (changed.containsKey(key) && changed.get(key) != null && checkedAsTopic) {
                    asTopic.put(def.name(), changed.get(key));
                }
            }
        }
        TopicConfigs.validate(asTopic);
        LogConfig.of(Map.of(), merged);
    }
}
