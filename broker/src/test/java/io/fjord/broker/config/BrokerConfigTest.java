package io.fjord.broker.config;

import io.fjord.coordinator.GroupCoordinatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerConfigTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.write(file, List.of(lines));
        return file;
    }

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "3");
        props.put("process.roles", "broker");
        return props;
    }

    @Test
    void noFileGivesTheSingleNodeCluster() {
        BrokerConfig config = BrokerConfig.fromArgs();

        assertEquals(1, config.nodeId());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "localhost", 9092), new Endpoint("CONTROLLER", "localhost", 9093)),
                config.listeners());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "localhost", 9092)), config.brokerListeners());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "localhost", 9092)), config.advertisedListeners());
        assertEquals(List.of(new BrokerConfig.Voter(1, new HostPort("localhost", 9093))), config.controllerQuorumVoters());
        assertEquals(List.of(Path.of("./data")), config.logDirs());
        assertEquals(new HostPort("localhost", 9404), config.httpListener());
        assertEquals(104857600, config.socketRequestMaxBytes());
        assertEquals(600000L, config.connectionsMaxIdleMs());
        assertEquals(3, config.numNetworkThreads());
    }

    @Test
    void fileValuesAndKafkaDefaultsApply() throws Exception {
        Path file = file("node.id=7", "process.roles=broker", "listeners=PLAINTEXT://0.0.0.0:19092",
                "advertised.listeners=PLAINTEXT://broker7.example:19092", "log.dirs=/a,/b", "num.network.threads=8");

        BrokerConfig config = BrokerConfig.fromArgs(file.toString());

        assertEquals(7, config.nodeId());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "broker7.example", 19092)), config.advertisedListeners());
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), config.logDirs());
        assertEquals(8, config.numNetworkThreads());
        assertEquals(104857600, config.socketRequestMaxBytes());
    }

    @Test
    void groupCoordinatorSettingsHaveKafkasDefaultsAndTheSingleNodeOffsetsReplicationFactorIsOne() {
        BrokerConfig file = BrokerConfig.fromMap(minimal());
        BrokerConfig singleNode = BrokerConfig.fromArgs();

        assertEquals(new GroupCoordinatorConfig(6000, 1_800_000, 3000, Integer.MAX_VALUE, 50, 10080L * 60_000, 600_000,
                4096), file.groupCoordinatorConfig());
        assertEquals(3, file.offsetsTopicReplicationFactor());
        assertEquals(104857600, file.offsetsTopicSegmentBytes());
        assertEquals(1, singleNode.offsetsTopicReplicationFactor());
    }

    @Test
    void groupCoordinatorSettingsAreRead() {
        Map<String, String> props = minimal();
        props.putAll(Map.of("group.min.session.timeout.ms", "100", "group.max.session.timeout.ms", "200",
                "group.initial.rebalance.delay.ms", "0", "group.max.size", "5", "offsets.topic.num.partitions", "3",
                "offsets.topic.replication.factor", "2", "offsets.topic.segment.bytes", "1048576",
                "offsets.retention.minutes", "2", "offsets.retention.check.interval.ms", "1000",
                "offset.metadata.max.bytes", "10"));

        BrokerConfig config = BrokerConfig.fromMap(props);

        assertEquals(new GroupCoordinatorConfig(100, 200, 0, 5, 3, 120_000, 1000, 10), config.groupCoordinatorConfig());
        assertEquals(2, config.offsetsTopicReplicationFactor());
        assertEquals(1048576, config.offsetsTopicSegmentBytes());
    }

    @Test
    void overridesWinOverFileAndDefaults() throws Exception {
        Path file = file("node.id=7", "process.roles=broker", "listeners=PLAINTEXT://:9092");

        BrokerConfig fromFile = BrokerConfig.fromArgs(file.toString(), "--override", "node.id=9",
                "--override", "listeners=PLAINTEXT://localhost:1234");
        BrokerConfig noFile = BrokerConfig.fromArgs("--override", "socket.request.max.bytes=1000");

        assertEquals(9, fromFile.nodeId());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "localhost", 1234)), fromFile.listeners());
        assertEquals(1000, noFile.socketRequestMaxBytes());
        assertEquals(1, noFile.nodeId());
    }

    @Test
    void logDirIsUsedWhenLogDirsIsAbsent() {
        Map<String, String> props = minimal();
        props.put("log.dir", "/var/fjord");
        assertEquals(List.of(Path.of("/var/fjord")), BrokerConfig.fromMap(props).logDirs());
        props.put("log.dirs", "/x");
        assertEquals(List.of(Path.of("/x")), BrokerConfig.fromMap(props).logDirs());
    }

    @Test
    void missingRequiredKeyFailsWithOneLineNamingIt() {
        Map<String, String> props = minimal();
        props.remove("node.id");

        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props));

        assertTrue(e.getMessage().contains("'node.id'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void invalidValuesFailWithOneLineNamingTheKey() {
        Map<String, Map.Entry<String, String>> cases = Map.of(
                "node.id", Map.entry("node.id", "one"),
                "socket.request.max.bytes", Map.entry("socket.request.max.bytes", "0"),
                "connections.max.idle.ms", Map.entry("connections.max.idle.ms", "soon"),
                "num.network.threads", Map.entry("num.network.threads", "-2"),
                "listeners", Map.entry("listeners", "localhost:9092"),
                "http.listener", Map.entry("http.listener", "localhost:http"),
                "controller.quorum.voters", Map.entry("controller.quorum.voters", "x@localhost:9093"),
                "process.roles", Map.entry("process.roles", "broker,leader"),
                "group.max.session.timeout.ms", Map.entry("group.max.session.timeout.ms", "10"),
                "offsets.topic.num.partitions", Map.entry("offsets.topic.num.partitions", "0"));
        cases.forEach((key, entry) -> {
            Map<String, String> props = minimal();
            props.put(entry.getKey(), entry.getValue());

            ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props), key);

            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        });
    }

    @Test
    void controllerRoleNeedsControllerListenerNames() {
        Map<String, String> props = minimal();
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");

        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props));

        assertTrue(e.getMessage().contains("'controller.listener.names'"), e.getMessage());
    }

    @Test
    void duplicateListenerNamesAreRejected() {
        Map<String, String> props = minimal();
        props.put("listeners", "PLAINTEXT://:9092,plaintext://:9093");

        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props));

        assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
    }

    @Test
    void advertisedListenersMustNameAListenerAndARealHost() {
        Map<String, String> props = minimal();
        props.put("listeners", "PLAINTEXT://:9092");
        props.put("advertised.listeners", "EXTERNAL://broker.example:9092");
        assertTrue(assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props)).getMessage()
                .contains("'advertised.listeners'"));
        props.put("advertised.listeners", "PLAINTEXT://0.0.0.0:9092");
        assertTrue(assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props)).getMessage()
                .contains("'advertised.listeners'"));
    }

    @Test
    void unknownKeysAreIgnored() throws Exception {
        Path file = file("node.id=2", "process.roles=broker", "num.partitions=6", "something.made.up=yes");

        BrokerConfig config = BrokerConfig.fromArgs(file.toString());

        assertEquals(2, config.nodeId());
    }

    @Test
    void malformedArgumentsFailWithOneLine() {
        assertThrows(ConfigException.class, () -> BrokerConfig.fromArgs("--override", "novalue"));
        assertThrows(ConfigException.class, () -> BrokerConfig.fromArgs("a.properties", "extra"));
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromArgs(dir.resolve("missing").toString()));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void metadataDirIsTheFirstLogDirUnlessMetadataLogDirIsSet() {
        Map<String, String> props = minimal();
        props.put("log.dirs", "/d1,/d2");
        assertEquals(Path.of("/d1"), BrokerConfig.fromMap(props).metadataLogDir());
        props.put("metadata.log.dir", "/meta");
        assertEquals(Path.of("/meta"), BrokerConfig.fromMap(props).metadataLogDir());
    }

    @Test
    void topicDefaultsAreKafkas() {
        BrokerConfig config = BrokerConfig.fromMap(minimal());
        assertEquals(1, config.numPartitions());
        assertEquals(1, config.defaultReplicationFactor());
        assertTrue(config.autoCreateTopicsEnable());
    }

    @Test
    void badTopicDefaultsNameTheirKey() {
        Map<String, String> props = minimal();
        props.put("num.partitions", "0");
        assertTrue(assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props)).getMessage()
                .contains("num.partitions"));
        props.remove("num.partitions");
        props.put("auto.create.topics.enable", "maybe");
        assertTrue(assertThrows(ConfigException.class, () -> BrokerConfig.fromMap(props)).getMessage()
                .contains("auto.create.topics.enable"));
    }
}
