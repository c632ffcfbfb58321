package io.fjord.broker.config;

import io.fjord.coordinator.GroupCoordinatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's configuration: a server.properties file (java.util.Properties format) with Kafka's key
 * names and defaults, then {@code --override key=value} pairs on top, as kafka-server-start takes them.
 * Without a file the broker is a single-node cluster on localhost (see {@link #SINGLE_NODE_DEFAULTS}).
 *
 * <p>Invariants: every value is validated at construction; a missing required key or an invalid value
 * throws {@link ConfigException} with one line naming the key. Keys this class does not read are logged
 * once and ignored. Immutable and thread-safe.
 */
public final class BrokerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfig.class);

    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    /** Ours (Kafka has none): host:port of the HTTP listener for /metrics, /health and the console. */
    public static final String HTTP_LISTENER = "http.listener";
    /** Ours: false hands out no-op meters and serves an empty /metrics (the on/off benchmark); default true. */
    public static final String METRICS_ENABLED = "metrics.enabled";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_LOAD_BUFFER_SIZE = "offsets.load.buffer.size";

    /** What a broker started without a file uses: one node that is both broker and controller. */
    public static final Map<String, String> SINGLE_NODE_DEFAULTS = Map.of(
            NODE_ID, "1",
            PROCESS_ROLES, "broker,controller",
            LISTENERS, "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093",
            CONTROLLER_LISTENER_NAMES, "CONTROLLER",
            CONTROLLER_QUORUM_VOTERS, "1@localhost:9093",
            LOG_DIRS, "./data",
            HTTP_LISTENER, "localhost:9404",
            OFFSETS_TOPIC_REPLICATION_FACTOR, "1");

    private static final Set<String> KNOWN = Set.of(NODE_ID, PROCESS_ROLES, LISTENERS, ADVERTISED_LISTENERS,
            CONTROLLER_LISTENER_NAMES, CONTROLLER_QUORUM_VOTERS, LOG_DIRS, LOG_DIR, SOCKET_REQUEST_MAX_BYTES,
            CONNECTIONS_MAX_IDLE_MS, NUM_NETWORK_THREADS, HTTP_LISTENER, METADATA_LOG_DIR, NUM_PARTITIONS,
            DEFAULT_REPLICATION_FACTOR, AUTO_CREATE_TOPICS_ENABLE, GROUP_MIN_SESSION_TIMEOUT_MS,
            GROUP_MAX_SESSION_TIMEOUT_MS, GROUP_INITIAL_REBALANCE_DELAY_MS, GROUP_MAX_SIZE, OFFSETS_TOPIC_NUM_PARTITIONS,
            OFFSETS_TOPIC_REPLICATION_FACTOR, OFFSETS_TOPIC_SEGMENT_BYTES, OFFSETS_RETENTION_MINUTES,
            OFFSETS_RETENTION_CHECK_INTERVAL_MS, OFFSET_METADATA_MAX_BYTES, OFFSETS_LOAD_BUFFER_SIZE, METRICS_ENABLED);

    /** One voter of controller.quorum.voters: {@code id@host:port}. */
    public record Voter(int nodeId, HostPort endpoint) {
    }

    private final int nodeId;
    private final Set<String> processRoles;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final Set<String> controllerListenerNames;
    private final List<Voter> controllerQuorumVoters;
    private final List<Path> logDirs;
    private final int socketRequestMaxBytes;
    private final long connectionsMaxIdleMs;
    private final int numNetworkThreads;
    private final HostPort httpListener;
    private final Path metadataLogDir;
    private final int numPartitions;
    private final short defaultReplicationFactor;
    private final boolean autoCreateTopicsEnable;
    private final boolean metricsEnabled;
    private final GroupCoordinatorConfig groupCoordinatorConfig;
    private final short offsetsTopicReplicationFactor;
    private final int offsetsTopicSegmentBytes;
    private final int offsetsLoadBufferSize;

    private final Map<String, String> originals;

    private BrokerConfig(Map<String, String> props) {
        originals = Map.copyOf(props);
        for (String key : new TreeSet<>(props.keySet())) {
            if (!KNOWN.contains(key) && !ConfigDescriber.isKnownBrokerConfig(key) && !key.startsWith("log.")
                    && !key.startsWith("num.recovery.") && !key.startsWith("producer.id.")) {
                LOG.info("Ignoring configuration '{}': not used by this broker", key);
            }
        }
        nodeId = intValue(props, NODE_ID, null, 0);
        processRoles = roles(required(props, PROCESS_ROLES));
        controllerListenerNames = names(props.getOrDefault(CONTROLLER_LISTENER_NAMES, ""));
        if (processRoles.contains("controller") && controllerListenerNames.isEmpty()) {
            throw ConfigException.missing(CONTROLLER_LISTENER_NAMES);
        }
        listeners = Endpoint.parseList(LISTENERS, props.getOrDefault(LISTENERS, "PLAINTEXT://:9092"));
        if (listeners.isEmpty()) {
            throw ConfigException.invalid(LISTENERS, props.get(LISTENERS), "at least one listener is required");
        }
        for (String name : controllerListenerNames) {
            if (processRoles.contains("controller") && listeners.stream().noneMatch(l -> l.listenerName().equals(name))) {
                throw ConfigException.invalid(CONTROLLER_LISTENER_NAMES, String.join(",", controllerListenerNames),
                        "listener " + name + " is not in " + LISTENERS);
            }
        }
        if (processRoles.contains("broker") && brokerEndpoints(listeners).isEmpty()) {
            throw ConfigException.invalid(LISTENERS, props.get(LISTENERS),
                    "a broker needs a listener that is not in " + CONTROLLER_LISTENER_NAMES);
        }
        String advertised = props.get(ADVERTISED_LISTENERS);
        advertisedListeners = advertised == null ? brokerEndpoints(listeners)
                : Endpoint.parseList(ADVERTISED_LISTENERS, advertised);
        for (Endpoint endpoint : advertisedListeners) {
            if (listeners.stream().noneMatch(l -> l.listenerName().equals(endpoint.listenerName()))) {
                throw ConfigException.invalid(ADVERTISED_LISTENERS, advertised,
                        "listener " + endpoint.listenerName() + " is not in " + LISTENERS);
            }
            if (advertised != null && (endpoint.host().equals("0.0.0.0") || endpoint.host().equals("::"))) {
                throw ConfigException.invalid(ADVERTISED_LISTENERS, advertised,
                        "cannot advertise the wildcard address " + endpoint.host());
            }
        }
        controllerQuorumVoters = voters(props.getOrDefault(CONTROLLER_QUORUM_VOTERS, ""));
        String dirs = props.containsKey(LOG_DIRS) ? props.get(LOG_DIRS) : props.getOrDefault(LOG_DIR, "/tmp/kafka-logs");
        String dirsKey = props.containsKey(LOG_DIRS) ? LOG_DIRS : LOG_DIR;
        List<Path> parsedDirs = new ArrayList<>();
        for (String dir : dirs.split(",")) {
            if (!dir.isBlank()) {
                parsedDirs.add(Path.of(dir.trim()));
            }
        }
        if (parsedDirs.isEmpty()) {
            throw ConfigException.invalid(dirsKey, dirs, "at least one directory is required");
        }
        logDirs = List.copyOf(parsedDirs);
        socketRequestMaxBytes = intValue(props, SOCKET_REQUEST_MAX_BYTES, "104857600", 1);
        connectionsMaxIdleMs = longValue(props, CONNECTIONS_MAX_IDLE_MS, "600000");
        numNetworkThreads = intValue(props, NUM_NETWORK_THREADS, "3", 1);
        httpListener = HostPort.parse(HTTP_LISTENER, props.getOrDefault(HTTP_LISTENER, "localhost:9404"));
        String metadataDir = props.get(METADATA_LOG_DIR);
        metadataLogDir = metadataDir == null || metadataDir.isBlank() ? logDirs.get(0) : Path.of(metadataDir.trim());
        numPartitions = intValue(props, NUM_PARTITIONS, "1", 1);
        int rf = intValue(props, DEFAULT_REPLICATION_FACTOR, "1", 1);
        if (rf > Short.MAX_VALUE) {
            throw ConfigException.invalid(DEFAULT_REPLICATION_FACTOR, String.valueOf(rf), "must be at most " + Short.MAX_VALUE);
        }
        defaultReplicationFactor = (short) rf;
        String autoCreate = props.getOrDefault(AUTO_CREATE_TOPICS_ENABLE, "true").trim().toLowerCase(Locale.ROOT);
        if (!autoCreate.equals("true") && !autoCreate.equals("false")) {
            throw ConfigException.invalid(AUTO_CREATE_TOPICS_ENABLE, autoCreate, "not a boolean");
        }
        autoCreateTopicsEnable = Boolean.parseBoolean(autoCreate);
        String metrics = props.getOrDefault(METRICS_ENABLED, "true").trim().toLowerCase(Locale.ROOT);
        if (!metrics.equals("true") && !metrics.equals("false")) {
            throw ConfigException.invalid(METRICS_ENABLED, metrics, "not a boolean");
        }
        metricsEnabled = Boolean.parseBoolean(metrics);
        groupCoordinatorConfig = groupCoordinatorConfig(props);
        int offsetsRf = intValue(props, OFFSETS_TOPIC_REPLICATION_FACTOR, "3", 1);
        if (offsetsRf > Short.MAX_VALUE) {
            throw ConfigException.invalid(OFFSETS_TOPIC_REPLICATION_FACTOR, String.valueOf(offsetsRf),
                    "must be at most " + Short.MAX_VALUE);
        }
        offsetsTopicReplicationFactor = (short) offsetsRf;
        offsetsTopicSegmentBytes = intValue(props, OFFSETS_TOPIC_SEGMENT_BYTES, "104857600", 1);
        offsetsLoadBufferSize = intValue(props, OFFSETS_LOAD_BUFFER_SIZE, "5242880", 1);
    }

    /** The group.* and offsets.* settings with Kafka's defaults and lower bounds. */
    private static GroupCoordinatorConfig groupCoordinatorConfig(Map<String, String> props) {
        int minSession = intValue(props, GROUP_MIN_SESSION_TIMEOUT_MS, "6000", 0);
        int maxSession = intValue(props, GROUP_MAX_SESSION_TIMEOUT_MS, "1800000", 0);
        if (maxSession < minSession) {
            throw ConfigException.invalid(GROUP_MAX_SESSION_TIMEOUT_MS, String.valueOf(maxSession),
                    "must be at least " + GROUP_MIN_SESSION_TIMEOUT_MS + " (" + minSession + ")");
        }
        int initialDelay = intValue(props, GROUP_INITIAL_REBALANCE_DELAY_MS, "3000", 0);
        int maxSize = intValue(props, GROUP_MAX_SIZE, String.valueOf(Integer.MAX_VALUE), 1);
        int numPartitions = intValue(props, OFFSETS_TOPIC_NUM_PARTITIONS, "50", 1);
        int retentionMinutes = intValue(props, OFFSETS_RETENTION_MINUTES, "10080", 1);
        long checkInterval = longValue(props, OFFSETS_RETENTION_CHECK_INTERVAL_MS, "600000");
        if (checkInterval < 1) {
            throw ConfigException.invalid(OFFSETS_RETENTION_CHECK_INTERVAL_MS, String.valueOf(checkInterval),
                    "must be at least 1");
        }
        int metadataMaxBytes = intValue(props, OFFSET_METADATA_MAX_BYTES, "4096", 0);
        return new GroupCoordinatorConfig(minSession, maxSession, initialDelay, maxSize, numPartitions,
                retentionMinutes * 60_000L, checkInterval, metadataMaxBytes);
    }

    /** Validates {@code props} as a complete configuration (Kafka's defaults for keys it lacks). */
    public static BrokerConfig fromMap(Map<String, String> props) {
        return new BrokerConfig(props);
    }

    /**
     * The configuration for {@code bin/broker [file] [--override key=value]...}: the file's properties, or
     * {@link #SINGLE_NODE_DEFAULTS} when no file is given, with the overrides applied in order.
     */
    public static BrokerConfig fromArgs(String... args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            file = Path.of(rest.remove(0));
        }
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String pair;
            if (arg.equals("--override") && i + 1 < rest.size()) {
                pair = rest.get(++i);
            } else if (arg.startsWith("--override=")) {
                pair = arg.substring("--override=".length());
            } else {
                throw new ConfigException("Unexpected argument '" + arg
                        + "': usage is [server.properties] [--override key=value]...");
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Invalid override '" + pair + "': expected key=value");
            }
            overrides.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return load(file, overrides);
    }

    /** Reads {@code file} (or the single-node defaults when null) and applies {@code overrides}. */
    public static BrokerConfig load(Path file, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        if (file == null) {
            props.putAll(SINGLE_NODE_DEFAULTS);
        } else {
            Properties fileProps = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                fileProps.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (String key : fileProps.stringPropertyNames()) {
                props.put(key, fileProps.getProperty(key).trim());
            }
        }
        props.putAll(overrides);
        return new BrokerConfig(props);
    }

    private static String required(Map<String, String> props, String key) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            throw ConfigException.missing(key);
        }
        return value.trim();
    }

    private static int intValue(Map<String, String> props, String key, String defaultValue, int min) {
        String value = defaultValue == null ? required(props, key) : props.getOrDefault(key, defaultValue).trim();
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, "not an integer");
        }
        if (parsed < min) {
            throw ConfigException.invalid(key, value, "must be at least " + min);
        }
        return parsed;
    }

    private static long longValue(Map<String, String> props, String key, String defaultValue) {
        String value = props.getOrDefault(key, defaultValue).trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, "not a long integer");
        }
    }

    private static Set<String> roles(String value) {
        Set<String> roles = new TreeSet<>();
        for (String role : value.split(",")) {
            String r = role.trim().toLowerCase(Locale.ROOT);
            if (!r.equals("broker") && !r.equals("controller")) {
                throw ConfigException.invalid(PROCESS_ROLES, value, "roles are 'broker' and 'controller'");
            }
            roles.add(r);
        }
        return Set.copyOf(roles);
    }

    private static Set<String> names(String value) {
        Set<String> names = new TreeSet<>();
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim().toUpperCase(Locale.ROOT));
            }
        }
        return Set.copyOf(names);
    }

    private static List<Voter> voters(String value) {
        List<Voter> voters = new ArrayList<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int at = trimmed.indexOf('@');
            if (at <= 0) {
                throw ConfigException.invalid(CONTROLLER_QUORUM_VOTERS, value, "expected id@host:port entries");
            }
            int id;
            try {
                id = Integer.parseInt(trimmed.substring(0, at));
            } catch (NumberFormatException e) {
                throw ConfigException.invalid(CONTROLLER_QUORUM_VOTERS, value, "voter id '" + trimmed.substring(0, at) + "' is not a number");
            }
            voters.add(new Voter(id, HostPort.parse(CONTROLLER_QUORUM_VOTERS, trimmed.substring(at + 1))));
        }
        return List.copyOf(voters);
    }

    private List<Endpoint> brokerEndpoints(List<Endpoint> all) {
        return all.stream().filter(l -> !controllerListenerNames.contains(l.listenerName())).toList();
    }

    /** Every property as given (log.* and other keys read by the modules that own them). */
    public Map<String, String> originals() {
        return originals;
    }

    public int nodeId() {
        return nodeId;
    }

    public Set<String> processRoles() {
        return processRoles;
    }

    public List<Endpoint> listeners() {
        return listeners;
    }

    /** The listeners clients connect to: every listener not named in controller.listener.names. */
    public List<Endpoint> brokerListeners() {
        return brokerEndpoints(listeners);
    }

    public List<Endpoint> advertisedListeners() {
        return advertisedListeners;
    }

    public Set<String> controllerListenerNames() {
        return controllerListenerNames;
    }

    public List<Voter> controllerQuorumVoters() {
        return controllerQuorumVoters;
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    public int socketRequestMaxBytes() {
        return socketRequestMaxBytes;
    }

    /** Connections idle this long are closed; zero or negative disables reaping. */
    public long connectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    public int numNetworkThreads() {
        return numNetworkThreads;
    }

    public HostPort httpListener() {
        return httpListener;
    }

    /** Where the metadata log and meta.properties live: metadata.log.dir, else the first log dir. */
    public Path metadataLogDir() {
        return metadataLogDir;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public short defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public boolean autoCreateTopicsEnable() {
        return autoCreateTopicsEnable;
    }

    /** metrics.enabled (ours, default true): false = no-op meters and an empty /metrics. */
    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    /** group.min/max.session.timeout.ms, group.initial.rebalance.delay.ms, group.max.size and offsets.* settings. */
    public GroupCoordinatorConfig groupCoordinatorConfig() {
        return groupCoordinatorConfig;
    }

    /** offsets.topic.replication.factor: Kafka's default 3; the single-node defaults set 1. */
    public short offsetsTopicReplicationFactor() {
        return offsetsTopicReplicationFactor;
    }

    /** offsets.topic.segment.bytes: the segment.bytes of __consumer_offsets. */
    public int offsetsTopicSegmentBytes() {
        return offsetsTopicSegmentBytes;
    }

    /** offsets.load.buffer.size: the most bytes one read of a __consumer_offsets load takes (Kafka's 5242880). */
    public int offsetsLoadBufferSize() {
        return offsetsLoadBufferSize;
    }
}
