package io.fjord.it;

import io.fjord.broker.RawConnection;
import io.fjord.it.ExternalCommand.Result;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that share no code with kafka-clients against a bin/broker process: kcat (librdkafka, C),
 * confluent-kafka for Python (librdkafka again, through its own bindings), kafka-python (pure Python) and
 * kafkajs (pure JavaScript), each choosing its own API versions. What they write is read back through kafka-clients and vice versa.
 *
 * <p>The clients are installed by {@code integration-tests/scripts/install-test-clients.sh}, which Maven
 * runs at pre-integration-test; a missing client fails its test with a message saying so.
 */
@Timeout(180)
class OtherClientsIT {
    private static final String INSTALL_HINT = "; run integration-tests/scripts/install-test-clients.sh "
            + "<integration-tests/target/node> (Maven runs it at pre-integration-test) and see its output";
    private static final Path CLIENTS = Path.of(System.getProperty("fjord.it.clients", "src/test/clients"));
    private static final Path NODE_MODULES = Path.of(System.getProperty("fjord.it.node.modules", "target/node/node_modules"));
    private static final String PYTHON = "/usr/bin/python3";

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static void createTopic(String topic, int partitions) throws Exception {
        broker.admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    private static void requireOnPath(String executable) {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, executable)));
        if (!found) {
            throw new AssertionError(executable + " is not installed (not on PATH)" + INSTALL_HINT);
        }
    }

    private static Result kcat(String stdin, String... args) {
        requireOnPath("kcat");
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, Map.of(), stdin);
    }

    private static Result kafkajs(String... args) {
        requireOnPath("node");
        if (!Files.isRegularFile(NODE_MODULES.resolve("kafkajs/package.json"))) {
            throw new AssertionError("kafkajs is not installed in " + NODE_MODULES + INSTALL_HINT);
        }
        List<String> command = new ArrayList<>(List.of("node", CLIENTS.resolve("kafkajs-client.js").toString(),
                broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, Map.of("NODE_PATH", NODE_MODULES.toString()), null);
    }

    /** Runs {@code script} with /usr/bin/python3 once {@code module} imports there. */
    private static Result python(String module, String script, String... args) {
        Result probe = ExternalCommand.run(List.of(PYTHON, "-c", "import " + module), Map.of(), null);
        if (probe.exitCode() != 0) {
            throw new AssertionError("Python module " + module + " is not installed for " + PYTHON + INSTALL_HINT + "\n" + probe);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, CLIENTS.resolve(script).toString(), broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, Map.of(), null);
    }

    /** The lines kcat -L and the client scripts print per partition of a single-node topic. */
    private static List<String> singleNodePartitionLines(int partitions) {
        List<String> lines = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            lines.add("partition " + p + ", leader 1, replicas: 1, isrs: 1");
        }
        return lines;
    }

    private static int javaPartition(String key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** key=value per partition, as kafka-clients reads the topic back. */
    private static Map<Integer, List<String>> readWithKafkaClients(String topic, int partitions) {
        Map<Integer, List<String>> read = new HashMap<>();
        TopicReader.readAll(broker.bootstrapServers(), topic, partitions).forEach((p, records) ->
                read.put(p, records.stream().map(r -> r.key() + "=" + r.value()).toList()));
        return read;
    }

    @Test
    void kcatListsMetadataProducesKeyedRecordsAndConsumesThemBack() throws Exception {
        int partitions = 3;
        createTopic("kcat-topic", partitions);

        Result metadata = kcat(null, "-L", "-t", "kcat-topic");
        assertEquals(0, metadata.exitCode(), metadata.toString());
        List<String> lines = metadata.stdoutLines().stream().map(String::strip).toList();
        assertTrue(lines.contains("broker 1 at " + broker.bootstrapServers() + " (controller)"), metadata.toString());
        assertTrue(lines.contains("topic \"kcat-topic\" with 3 partitions:"), metadata.toString());
        assertTrue(lines.containsAll(singleNodePartitionLines(partitions)), metadata.toString());

        StringBuilder input = new StringBuilder();
        Map<Integer, List<String>> expected = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "kcat-key-" + i;
            input.append(key).append(':').append("kcat-value-").append(i).append('\n');
            expected.computeIfAbsent(javaPartition(key, partitions), p -> new ArrayList<>()).add(key + "=kcat-value-" + i);
        }
        Result produced = kcat(input.toString(), "-P", "-t", "kcat-topic", "-K:",
                "-X", "topic.partitioner=murmur2_random", "-X", "acks=all");
        assertEquals(0, produced.exitCode(), produced.toString());

        Map<Integer, List<String>> read = readWithKafkaClients("kcat-topic", partitions);
        for (int p = 0; p < partitions; p++) {
            assertEquals(expected.getOrDefault(p, List.of()), read.get(p), "partition " + p);
        }

        Result consumed = kcat(null, "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-f", "%p %o %k=%s\\n");
        assertEquals(0, consumed.exitCode(), consumed.toString());
        Map<Integer, List<String>> consumedByPartition = new HashMap<>();
        for (String line : consumed.stdoutLines()) {
            String[] fields = line.split(" ", 3);
            List<String> partition = consumedByPartition.computeIfAbsent(Integer.parseInt(fields[0]), p -> new ArrayList<>());
            assertEquals(partition.size(), Long.parseLong(fields[1]), line);
            partition.add(fields[2]);
        }
        for (int p = 0; p < partitions; p++) {
            assertEquals(expected.getOrDefault(p, List.of()), consumedByPartition.getOrDefault(p, List.of()), "partition " + p);
        }
    }

    @Test
    void kcatConsumesAsAGroupMemberAndItsCommittedOffsetsAreWhatKafkaClientsSees() throws Exception {
        int partitions = 2;
        createTopic("kcat-group-topic", partitions);
        for (int p = 0; p < partitions; p++) {
            Clients.produce(broker.bootstrapServers(), "kcat-group-topic", p, 10, i -> null, i -> "g" + i);
        }

        Result consumed = kcat(null, "-G", "kcat-group", "kcat-group-topic", "-e", "-f", "%p %o %s\\n",
                "-X", "auto.offset.reset=earliest", "-X", "enable.partition.eof=true");

        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(partitions * 10, consumed.stdoutLines().size(), consumed.toString());
        Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets("kcat-group")
                .partitionsToOffsetAndMetadata().get();
        for (int p = 0; p < partitions; p++) {
            assertEquals(10, committed.get(new TopicPartition("kcat-group-topic", p)).offset(), committed.toString());
        }
    }

    @Test
    void kcatProducesIdempotentlyWithEveryCodecAndKafkaClientsReadsItBack() throws Exception {
        List<String> codecs = List.of("gzip", "snappy", "lz4", "zstd");
        createTopic("kcat-compressed", codecs.size());
        String value = "fjord ".repeat(200);
        int perCodec = 20;
        for (int p = 0; p < codecs.size(); p++) {
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < perCodec; i++) {
                input.append(codecs.get(p)).append('-').append(i).append(':').append(value).append(i).append('\n');
            }
            Result produced = kcat(input.toString(), "-P", "-t", "kcat-compressed", "-p", String.valueOf(p), "-K:",
                    "-z", codecs.get(p), "-X", "enable.idempotence=true", "-X", "linger.ms=100");
            assertEquals(0, produced.exitCode(), produced.toString());
        }

        Map<Integer, List<String>> read = readWithKafkaClients("kcat-compressed", codecs.size());

        for (int p = 0; p < codecs.size(); p++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perCodec; i++) {
                expected.add(codecs.get(p) + "-" + i + "=" + value + i);
            }
            assertEquals(expected, read.get(p), codecs.get(p));
        }
        var replicas = broker.admin().describeLogDirs(List.of(1)).allDescriptions().get().get(1).values().iterator().next()
                .replicaInfos();
        // librdkafka enables LZ4 only if the broker advertises FindCoordinator v0 (its 0.8.2 marker); Kafka 4.1 and
        // this broker advertise FindCoordinator 0-6, so lz4 batches arrive (and are stored) compressed too.
        assertTrue(advertises(ApiKeys.FIND_COORDINATOR, (short) 0), "FindCoordinator v0 is not advertised");
        for (int p = 0; p < codecs.size(); p++) {
            long size = replicas.get(new TopicPartition("kcat-compressed", p)).size();
            boolean compressed = size < perCodec * value.length() / 4;
            assertTrue(compressed, codecs.get(p) + " batches were not stored compressed: " + size + " bytes");
        }
    }

    private static boolean advertises(ApiKeys api, short version) throws Exception {
        try (RawConnection connection = new RawConnection(broker.port())) {
            ApiVersionsResponse response = new RawClient(broker.port()).apiVersions(connection);
            var range = response.data().apiKeys().find(api.id);
            return range != null && range.minVersion() <= version && version <= range.maxVersion();
        }
    }

    @Test
    void kafkajsCreatesATopicReadsItsMetadataAndProducesWhatKafkaClientsReads() {
        int partitions = 3;
        Result created = kafkajs("create-topic", "kafkajs-topic", String.valueOf(partitions));
        assertEquals(0, created.exitCode(), created.toString());
        List<String> expectedMetadata = new ArrayList<>(List.of("created true"));
        expectedMetadata.addAll(singleNodePartitionLines(partitions));
        assertEquals(expectedMetadata, created.stdoutLines(), created.toString());

        Result again = kafkajs("create-topic", "kafkajs-topic", String.valueOf(partitions));
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("created false", again.stdoutLines().get(0), again.toString());

        int count = 50;
        Result produced = kafkajs("produce", "kafkajs-topic", String.valueOf(count));
        assertEquals(0, produced.exitCode(), produced.toString());

        Map<Integer, List<String>> expected = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String key = "js-key-" + i;
            expected.computeIfAbsent(javaPartition(key, partitions), p -> new ArrayList<>()).add(key + "=js-value-" + i);
        }
        Map<Integer, List<String>> read = readWithKafkaClients("kafkajs-topic", partitions);
        for (int p = 0; p < partitions; p++) {
            assertEquals(expected.getOrDefault(p, List.of()), read.get(p), "partition " + p);
        }

        Result offsets = kafkajs("offsets", "kafkajs-topic");
        assertEquals(0, offsets.exitCode(), offsets.toString());
        List<String> expectedOffsets = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            expectedOffsets.add("partition " + p + " low 0 high " + expected.getOrDefault(p, List.of()).size());
        }
        assertEquals(expectedOffsets, offsets.stdoutLines(), offsets.toString());
    }

    @Test
    void pythonConfluentKafkaCreatesProducesIdempotentlyAndConsumesWithAssign() {
        List<String> metadata = createProduceAndConsumeWithPython("confluent_kafka", "confluent_client.py", "confluent-topic", "py");
        assertEquals("broker 1 at " + broker.bootstrapServers(), metadata.get(0));
    }

    @Test
    void kafkaPythonCreatesProducesAndConsumesWithAssign() {
        createProduceAndConsumeWithPython("kafka", "kafka_python_client.py", "kafka-python-topic", "kp");
    }

    /**
     * The script creates a 3-partition topic and prints its metadata, produces 50 keyed records (each
     * acknowledged on the partition Java's default partitioner picks, at the offset kafka-clients then reads
     * it from) and reads them all back with assign. Returns the metadata lines that are not partitions.
     */
    private static List<String> createProduceAndConsumeWithPython(String module, String script, String topic, String prefix) {
        int partitions = 3;
        Result created = python(module, script, "create-topic", topic, String.valueOf(partitions));
        assertEquals(0, created.exitCode(), created.toString());
        List<String> partitionLines = created.stdoutLines().stream().filter(l -> l.startsWith("partition ")).toList();
        assertEquals(singleNodePartitionLines(partitions), partitionLines, created.toString());

        int count = 50;
        Result produced = python(module, script, "produce", topic, String.valueOf(count));
        assertEquals(0, produced.exitCode(), produced.toString());
        assertEquals(count, produced.stdoutLines().size(), produced.toString());
        Map<String, String> acknowledgedAt = new HashMap<>();
        for (String line : produced.stdoutLines()) {
            String[] fields = line.split(" ");
            assertEquals(javaPartition(fields[0], partitions), Integer.parseInt(fields[1]), line);
            acknowledgedAt.put(fields[0], fields[1] + " " + fields[2]);
        }

        Map<Integer, List<ConsumerRecord<String, String>>> read = TopicReader.readAll(broker.bootstrapServers(), topic, partitions);
        List<String> expectedConsumed = new ArrayList<>();
        for (List<ConsumerRecord<String, String>> records : read.values()) {
            for (ConsumerRecord<String, String> record : records) {
                assertTrue(record.key().startsWith(prefix + "-key-"), record.toString());
                assertEquals(acknowledgedAt.get(record.key()), record.partition() + " " + record.offset(), record.toString());
                assertEquals(record.key().replace("-key-", "-value-"), record.value());
                expectedConsumed.add(record.partition() + " " + record.offset() + " " + record.key() + " " + record.value());
            }
        }
        assertEquals(count, expectedConsumed.size());

        Result consumed = python(module, script, "consume", topic, String.valueOf(partitions));
        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(expectedConsumed.stream().sorted().toList(), consumed.stdoutLines().stream().sorted().toList(),
                consumed.toString());
        return created.stdoutLines().stream().filter(l -> !l.startsWith("partition ")).toList();
    }
}
