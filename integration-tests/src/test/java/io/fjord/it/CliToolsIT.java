package io.fjord.it;

import io.fjord.it.ExternalCommand.Result;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka 4.1's unmodified command-line tools (the kafka-tools artifact, each run through its original main
 * class in a child JVM, as bin/kafka-*.sh runs it) against a bin/broker process: kafka-topics
 * ({@code TopicCommand}), kafka-console-producer, kafka-console-consumer and kafka-get-offsets
 * ({@code GetOffsetShell}).
 */
@Timeout(180)
class CliToolsIT {
    private static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    private static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    private static final String GET_OFFSETS = "org.apache.kafka.tools.GetOffsetShell";

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static Result topics(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
        all.addAll(List.of(args));
        return ExternalCommand.javaTool(TOPICS, null, all.toArray(String[]::new));
    }

    @Test
    void topicsToolCreatesListsAndDeletesATopic() throws Exception {
        Result created = topics("--create", "--topic", "cli-lifecycle", "--partitions", "3", "--replication-factor", "1",
                "--config", "retention.ms=3600000");
        assertEquals(0, created.exitCode(), created.toString());
        assertEquals(List.of("Created topic cli-lifecycle."), created.stdoutLines(), created.toString());
        TopicDescription description = broker.admin().describeTopics(List.of("cli-lifecycle")).allTopicNames().get()
                .get("cli-lifecycle");
        assertEquals(3, description.partitions().size());

        Result listed = topics("--list");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.stdoutLines().contains("cli-lifecycle"), listed.toString());

        Result deleted = topics("--delete", "--topic", "cli-lifecycle");
        assertEquals(0, deleted.exitCode(), deleted.toString());
        Result listedAfter = topics("--list");
        assertEquals(0, listedAfter.exitCode(), listedAfter.toString());
        assertFalse(listedAfter.stdoutLines().contains("cli-lifecycle"), listedAfter.toString());
    }

    @Test
    void topicsToolDescribesPartitionsLeadersReplicasIsrAndConfigs() throws Exception {
        Result created = topics("--create", "--topic", "cli-describe", "--partitions", "3", "--replication-factor", "1",
                "--config", "retention.ms=3600000", "--config", "max.message.bytes=2000000");
        assertEquals(0, created.exitCode(), created.toString());

        Result described = topics("--describe", "--topic", "cli-describe");

        assertEquals(0, described.exitCode(), described.toString());
        TopicDescription description = broker.admin().describeTopics(List.of("cli-describe")).allTopicNames().get()
                .get("cli-describe");
        List<String> lines = described.stdoutLines();
        assertEquals(4, lines.size(), described.toString());
        assertTrue(lines.get(0).startsWith("Topic: cli-describe\tTopicId: " + description.topicId()
                + "\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: "), described.toString());
        String configs = lines.get(0).substring(lines.get(0).indexOf("Configs: ") + "Configs: ".length());
        assertTrue(List.of(configs.split(",")).containsAll(List.of("retention.ms=3600000", "max.message.bytes=2000000")),
                described.toString());
        for (int partition = 0; partition < 3; partition++) {
            assertTrue(lines.get(1 + partition).startsWith("\tTopic: cli-describe\tPartition: " + partition
                    + "\tLeader: 1\tReplicas: 1\tIsr: 1"), described.toString());
        }
    }

    @Test
    void creatingAnExistingTopicFailsWithKafkasMessageAndExitCode() {
        Result first = topics("--create", "--topic", "cli-existing", "--partitions", "1");
        assertEquals(0, first.exitCode(), first.toString());

        Result again = topics("--create", "--topic", "cli-existing", "--partitions", "1");

        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("Error while executing topic command : Topic 'cli-existing' already exists."),
                again.toString());
        Result ifNotExists = topics("--create", "--if-not-exists", "--topic", "cli-existing", "--partitions", "1");
        assertEquals(0, ifNotExists.exitCode(), ifNotExists.toString());
    }

    @Test
    void consoleProducerWritesKeyedLinesToTheDefaultPartitionersPartitions() throws Exception {
        int partitions = 4;
        Result created = topics("--create", "--topic", "cli-produce", "--partitions", String.valueOf(partitions));
        assertEquals(0, created.exitCode(), created.toString());
        List<String> keys = new ArrayList<>();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            keys.add("key-" + i);
            input.append("key-").append(i).append(':').append("value-").append(i).append('\n');
        }

        Result produced = ExternalCommand.javaTool(CONSOLE_PRODUCER, input.toString(),
                "--bootstrap-server", broker.bootstrapServers(), "--topic", "cli-produce",
                "--property", "parse.key=true", "--property", "key.separator=:");

        assertEquals(0, produced.exitCode(), produced.toString());
        Map<Integer, List<String>> expected = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int partition = BuiltInPartitioner.partitionForKey(keys.get(i).getBytes(StandardCharsets.UTF_8), partitions);
            expected.computeIfAbsent(partition, p -> new ArrayList<>()).add(keys.get(i) + "=value-" + i);
        }
        Map<Integer, List<ConsumerRecord<String, String>>> read =
                TopicReader.readAll(broker.bootstrapServers(), "cli-produce", partitions);
        for (int p = 0; p < partitions; p++) {
            List<String> actual = read.get(p).stream().map(r -> r.key() + "=" + r.value()).toList();
            assertEquals(expected.getOrDefault(p, List.of()), actual, "partition " + p);
        }

        Result offsets = ExternalCommand.javaTool(GET_OFFSETS, null,
                "--bootstrap-server", broker.bootstrapServers(), "--topic", "cli-produce");
        assertEquals(0, offsets.exitCode(), offsets.toString());
        List<String> expectedOffsets = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            expectedOffsets.add("cli-produce:" + p + ":" + expected.getOrDefault(p, List.of()).size());
        }
        assertEquals(expectedOffsets, offsets.stdoutLines().stream().sorted().toList(), offsets.toString());
    }

    @Test
    void consoleConsumerReadsAPartitionFromTheEarliestOffset() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic("cli-consume", 1, (short) 1))).all().get();
        Result produced = ExternalCommand.javaTool(CONSOLE_PRODUCER, "k1:one\nk2:two\nk3:three\n",
                "--bootstrap-server", broker.bootstrapServers(), "--topic", "cli-consume",
                "--property", "parse.key=true", "--property", "key.separator=:");
        assertEquals(0, produced.exitCode(), produced.toString());

        Result consumed = ExternalCommand.javaTool(CONSOLE_CONSUMER, null,
                "--bootstrap-server", broker.bootstrapServers(), "--topic", "cli-consume", "--partition", "0",
                "--offset", "earliest", "--max-messages", "3", "--timeout-ms", "30000",
                "--property", "print.key=true", "--property", "print.offset=true");

        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(List.of("Offset:0\tk1\tone", "Offset:1\tk2\ttwo", "Offset:2\tk3\tthree"), consumed.stdoutLines(),
                consumed.toString());
        assertTrue(consumed.stderr().contains("Processed a total of 3 messages"), consumed.toString());
    }
}
