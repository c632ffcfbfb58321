package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kafka-clients' AdminClient describeConfigs / incrementalAlterConfigs / createTopics configs against an
 * in-process broker started with a static log.segment.bytes (so sources can be told apart), and the effect of
 * altered configs on the live partition logs (segment.bytes on the next segments, retention.ms).
 */
class AdminConfigsIT {
    /** Kafka 4.1's topic configs: what DescribeConfigs of a topic lists. */
    static final Set<String> TOPIC_CONFIGS = Set.of("cleanup.policy", "compression.gzip.level",
            "compression.lz4.level", "compression.type", "compression.zstd.level", "delete.retention.ms",
            "file.delete.delay.ms", "flush.messages", "flush.ms", "follower.replication.throttled.replicas",
            "index.interval.bytes", "leader.replication.throttled.replicas", "local.retention.bytes",
            "local.retention.ms", "max.compaction.lag.ms", "max.message.bytes", "message.timestamp.after.max.ms",
            "message.timestamp.before.max.ms", "message.timestamp.type", "min.cleanable.dirty.ratio",
            "min.compaction.lag.ms", "min.insync.replicas", "preallocate", "remote.log.copy.disable",
            "remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes", "retention.ms",
            "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms",
            "unclean.leader.election.enable");
    static final String STATIC_SEGMENT_BYTES = "2097152";

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension(Map.of("log.segment.bytes",
            STATIC_SEGMENT_BYTES, "log.retention.check.interval.ms", "100", "log.initial.task.delay.ms", "0"));
    private Admin admin;

    @BeforeEach
    void createAdmin() {
        admin = broker.admin();
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    private Throwable alterError(ConfigResource resource, AlterConfigOp... ops) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> alter(resource, ops));
        return e.getCause();
    }

    private static List<String> synonyms(ConfigEntry e) {
        return e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }

    @Test
    @Timeout(60)
    void describeTopicListsEveryTopicConfigWithItsSourceSynonymsTypeAndDocumentation() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1).configs(Map.of("retention.ms", "3600000"))))
                .all().get();

        Config config = describe(topic("t"));

        assertEquals(TOPIC_CONFIGS, config.entries().stream().map(ConfigEntry::name).collect(Collectors.toSet()));
        ConfigEntry retention = config.get("retention.ms");
        assertEquals("3600000", retention.value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertEquals(List.of("DYNAMIC_TOPIC_CONFIG:retention.ms=3600000"), synonyms(retention),
                "the default log.retention.hours is not a synonym of retention.ms, as in Kafka");
        assertEquals(ConfigEntry.ConfigType.LONG, retention.type());
        assertFalse(retention.isReadOnly());
        assertFalse(retention.isSensitive());
        assertNotNull(retention.documentation());

        ConfigEntry segment = config.get("segment.bytes");
        assertEquals(STATIC_SEGMENT_BYTES, segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, segment.source());
        assertEquals(List.of("STATIC_BROKER_CONFIG:log.segment.bytes=" + STATIC_SEGMENT_BYTES,
                "DEFAULT_CONFIG:log.segment.bytes=1073741824"), synonyms(segment));
        assertEquals(ConfigEntry.ConfigType.INT, segment.type());

        ConfigEntry policy = config.get("cleanup.policy");
        assertEquals("delete", policy.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, policy.source());
        assertEquals(ConfigEntry.ConfigType.LIST, policy.type());
        assertEquals("producer", config.get("compression.type").value());
        assertEquals("1048588", config.get("max.message.bytes").value());
        assertEquals(ConfigEntry.ConfigType.BOOLEAN, config.get("preallocate").type());
    }

    @Test
    @Timeout(60)
    void describeOnlyTheRequestedKeysAndNoSynonymsUnlessAsked() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        ConfigResource resource = topic("t");

        Config plain = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        assertTrue(plain.entries().stream().allMatch(e -> e.synonyms().isEmpty()));
        assertNull(plain.get("segment.bytes").documentation());
    }

    @Test
    @Timeout(60)
    void describeUnknownOrInvalidTopicFailsAsKafka() {
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> describe(topic("nope")));
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause());
        ExecutionException invalid = assertThrows(ExecutionException.class, () -> describe(topic("bad/name")));
        assertInstanceOf(InvalidTopicException.class, invalid.getCause());
    }

    @Test
    @Timeout(60)
    void describeBrokerShowsStaticAndDefaultConfigsAndReadOnlyFlags() throws Exception {
        Config config = describe(new ConfigResource(ConfigResource.Type.BROKER, "1"));

        ConfigEntry segment = config.get("log.segment.bytes");
        assertEquals(STATIC_SEGMENT_BYTES, segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, segment.source());
        assertFalse(segment.isReadOnly(), "log.segment.bytes can be changed at run time");
        ConfigEntry nodeId = config.get("node.id");
        assertEquals("1", nodeId.value());
        assertTrue(nodeId.isReadOnly());
        ConfigEntry retentionHours = config.get("log.retention.hours");
        assertEquals("168", retentionHours.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, retentionHours.source());

        Config clusterDefaults = describe(new ConfigResource(ConfigResource.Type.BROKER, ""));
        assertTrue(clusterDefaults.entries().isEmpty(), "no dynamic cluster defaults yet");
    }

    @Test
    @Timeout(60)
    void incrementalAlterSetsDeletesAppendsAndSubtractsAndDescribeShowsIt() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        ConfigResource resource = topic("t");

        alter(resource, op("retention.ms", "5000", AlterConfigOp.OpType.SET),
                op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        Config afterSet = describe(resource);
        assertEquals("5000", afterSet.get("retention.ms").value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, afterSet.get("retention.ms").source());
        assertEquals("delete,compact", afterSet.get("cleanup.policy").value());

        alter(resource, op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT),
                op("retention.ms", null, AlterConfigOp.OpType.DELETE));
        Config afterDelete = describe(resource);
        assertEquals("compact", afterDelete.get("cleanup.policy").value());
        assertEquals("604800000", afterDelete.get("retention.ms").value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, afterDelete.get("retention.ms").source());
    }

    @Test
    @Timeout(60)
    void validateOnlyChecksButChangesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        ConfigResource resource = topic("t");

        admin.incrementalAlterConfigs(Map.of(resource, List.of(op("retention.ms", "5000", AlterConfigOp.OpType.SET))),
                new AlterConfigsOptions().validateOnly(true)).all().get();

        assertEquals(ConfigSource.DEFAULT_CONFIG, describe(resource).get("retention.ms").source());
        ExecutionException bad = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(
                Map.of(resource, List.of(op("retention.ms", "soon", AlterConfigOp.OpType.SET))),
                new AlterConfigsOptions().validateOnly(true)).all().get());
        assertInstanceOf(InvalidConfigurationException.class, bad.getCause());
    }

    @Test
    @Timeout(60)
    void badKeysValuesAndOperationsAreRejectedWithKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        ConfigResource resource = topic("t");

        assertInstanceOf(InvalidConfigurationException.class,
                alterError(resource, op("no.such.config", "1", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class,
                alterError(resource, op("segment.bytes", "abc", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class,
                alterError(resource, op("cleanup.policy", "sometimes", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class,
                alterError(resource, op("segment.bytes", "1048575", AlterConfigOp.OpType.SET)), "Kafka 4's minimum is 1 MiB");
        assertInstanceOf(InvalidConfigurationException.class,
                alterError(resource, op("segment.bytes", "1", AlterConfigOp.OpType.APPEND)));
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                alterError(topic("nope"), op("retention.ms", "1", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidRequestException.class,
                alterError(topic(""), op("retention.ms", "1", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class, alterError(
                new ConfigResource(ConfigResource.Type.BROKER, ""), op("log.dirs", "/elsewhere", AlterConfigOp.OpType.SET)));
        assertInstanceOf(InvalidConfigurationException.class, alterError(
                new ConfigResource(ConfigResource.Type.BROKER, "1"), op("log.segment.bytes", "big", AlterConfigOp.OpType.SET)));

        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, describe(resource).get("segment.bytes").source());
    }

    @Test
    @Timeout(60)
    void dynamicBrokerConfigsBecomeTheTopicsDefaults() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();

        alter(new ConfigResource(ConfigResource.Type.BROKER, ""), op("log.retention.ms", "7200000", AlterConfigOp.OpType.SET));
        alter(new ConfigResource(ConfigResource.Type.BROKER, "1"), op("log.segment.bytes", "3145728", AlterConfigOp.OpType.SET));

        Config config = describe(topic("t"));
        assertEquals("7200000", config.get("retention.ms").value());
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, config.get("retention.ms").source());
        assertEquals("3145728", config.get("segment.bytes").value());
        assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, config.get("segment.bytes").source());
        assertEquals(List.of("DYNAMIC_BROKER_CONFIG:log.segment.bytes=3145728",
                "STATIC_BROKER_CONFIG:log.segment.bytes=" + STATIC_SEGMENT_BYTES,
                "DEFAULT_CONFIG:log.segment.bytes=1073741824"), synonyms(config.get("segment.bytes")));

        Config clusterDefaults = describe(new ConfigResource(ConfigResource.Type.BROKER, ""));
        assertEquals(List.of("log.retention.ms"), clusterDefaults.entries().stream().map(ConfigEntry::name).toList());
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, clusterDefaults.get("log.retention.ms").source());
        Config node = describe(new ConfigResource(ConfigResource.Type.BROKER, "1"));
        assertEquals("3145728", node.get("log.segment.bytes").value());
        assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, node.get("log.segment.bytes").source());
    }

    @Test
    @Timeout(60)
    void createTopicsAnswersEveryConfigWithItsSource() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)
                .configs(Map.of("retention.ms", "3600000"))));

        Config config = result.config("t").get();

        assertEquals(TOPIC_CONFIGS, config.entries().stream().map(ConfigEntry::name).collect(Collectors.toSet()));
        assertEquals("3600000", config.get("retention.ms").value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
        assertEquals(STATIC_SEGMENT_BYTES, config.get("segment.bytes").value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, config.get("segment.bytes").source());
        assertEquals(ConfigSource.DEFAULT_CONFIG, config.get("cleanup.policy").source());
    }

    private void produce(String topic, int count, int valueBytes) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "x".repeat(valueBytes))).get();
            }
        }
    }

    private long segmentFiles(String topic) throws IOException {
        try (Stream<Path> files = Files.list(broker.dir().resolve(topic + "-0"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        }
    }

    private long earliest(String topic) throws Exception {
        return Clients.offset(admin, new TopicPartition(topic, 0), OffsetSpec.earliest());
    }

    @Test
    @Timeout(60)
    void alteredSegmentBytesAndRetentionTakeEffectOnTheLiveLog() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        produce("t", 3, 400_000);
        assertEquals(1, segmentFiles("t"), "2 MiB segments hold everything so far");

        alter(topic("t"), op("segment.bytes", "1048576", AlterConfigOp.OpType.SET));
        produce("t", 6, 400_000);
        long segments = segmentFiles("t");
        assertTrue(segments >= 4, "1 MiB segments roll every two records, got " + segments + " segments");
        assertEquals(0, earliest("t"));

        alter(topic("t"), op("retention.ms", "1", AlterConfigOp.OpType.SET));
        long deadline = System.currentTimeMillis() + 20_000;
        while (earliest("t") == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(earliest("t") > 0, "retention deleted old segments and moved the log start offset");
    }

    @Test
    @Timeout(60)
    void aDynamicClusterRetentionDefaultAppliesToTheLiveLogsOfTopicsWithoutTheirOwn() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1).configs(Map.of("segment.bytes", "1048576")),
                new NewTopic("keep", 1, (short) 1).configs(Map.of("segment.bytes", "1048576", "retention.ms", "-1"))))
                .all().get();
        produce("t", 4, 400_000);
        produce("keep", 4, 400_000);

        alter(new ConfigResource(ConfigResource.Type.BROKER, ""), op("log.retention.ms", "1", AlterConfigOp.OpType.SET));

        long deadline = System.currentTimeMillis() + 20_000;
        while (earliest("t") == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(earliest("t") > 0, "the cluster default retention deleted old segments of t");
        assertEquals(0, earliest("keep"), "a topic's own retention.ms wins over the broker default");
    }

    static Collection<String> names(Config config) {
        return config.entries().stream().map(ConfigEntry::name).toList();
    }
}
