package io.fjord.it;

import io.fjord.it.ExternalCommand.Result;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka 4.1's unmodified group tools against a bin/broker process: kafka-console-consumer with {@code --group}
 * (org.apache.kafka.tools.consumer.ConsoleConsumer) and kafka-consumer-groups
 * (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand) --list (also --state), --describe (offsets, lag,
 * --members),
 * --reset-offsets (--to-earliest, --to-offset, --shift-by, --to-datetime; dry run and --execute) and --delete,
 * each with the output and exit code the tool gives against Kafka. What the tool changed is checked with
 * Admin.listConsumerGroupOffsets.
 */
@Timeout(240)
class ConsumerGroupCliIT {
    private static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    private static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static Result groups(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
        all.addAll(List.of(args));
        return ExternalCommand.javaTool(CONSUMER_GROUPS, null, all.toArray(String[]::new));
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, om) -> offsets.put(tp, om == null ? null : om.offset()));
        return offsets;
    }

    private static Map<TopicPartition, Long> each(String topic, int partitions, long offset) {
        Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (int p = 0; p < partitions; p++) {
            offsets.put(new TopicPartition(topic, p), offset);
        }
        return offsets;
    }

    /**
     * The rows of the table the tool printed under the header line starting with {@code GROUP}, each as column
     * name to value (the tool pads columns with spaces and no value contains one).
     */
    private static List<Map<String, String>> table(Result result) {
        List<String> lines = result.stdoutLines();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("GROUP ")) {
                header = i;
            }
        }
        assertTrue(header >= 0, "no table in\n" + result);
        String[] columns = lines.get(header).trim().split("\\s+");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            String[] values = line.trim().split("\\s+");
            assertEquals(columns.length, values.length, "row '" + line + "' in\n" + result);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.length; c++) {
                row.put(columns[c], values[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Rows by partition number, for tables with a PARTITION column. */
    private static Map<Integer, Map<String, String>> byPartition(List<Map<String, String>> rows) {
        Map<Integer, Map<String, String>> byPartition = new TreeMap<>();
        rows.forEach(row -> byPartition.put(Integer.valueOf(row.get("PARTITION")), row));
        return byPartition;
    }

    @Test
    void consoleConsumerInAGroupReadsFromTheBeginningWhatConsoleProducerWroteAndCommitsItsPosition() throws Exception {
        String topic = "cli-group-read";
        broker.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        List<String> lines = IntStream.range(0, 10).mapToObj(i -> "line-" + i).toList();
        Result produced = ExternalCommand.javaTool(CONSOLE_PRODUCER, String.join("\n", lines) + "\n",
                "--bootstrap-server", broker.bootstrapServers(), "--topic", topic);
        assertEquals(0, produced.exitCode(), produced.toString());

        Result consumed = ExternalCommand.javaTool(CONSOLE_CONSUMER, null,
                "--bootstrap-server", broker.bootstrapServers(), "--topic", topic, "--group", "cli-readers",
                "--from-beginning", "--max-messages", "10", "--timeout-ms", "40000");

        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(lines.stream().sorted().toList(), consumed.stdoutLines().stream().sorted().toList(),
                consumed.toString());
        assertTrue(consumed.stderr().contains("Processed a total of 10 messages"), consumed.toString());
        Map<TopicPartition, Long> committed = committed("cli-readers");
        for (int p = 0; p < 2; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long end = Clients.offset(broker.admin(), tp, OffsetSpec.latest());
            if (end > 0) {
                assertEquals(end, committed.get(tp), "the console consumer's commit on close for " + tp
                        + "; committed " + committed);
            } else {
                assertTrue(committed.getOrDefault(tp, 0L) == 0, "committed " + committed);
            }
        }
    }

    @Test
    void consumerGroupsToolListsDescribesResetsAndDeletesAGroup() throws Exception {
        String topic = "cli-lag";
        String group = "cli-lag-group";
        broker.admin().createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        produceFivePerPartition(topic, "early");
        Thread.sleep(200);
        long middle = System.currentTimeMillis();
        Thread.sleep(200);
        produceFivePerPartition(topic, "late");
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);

        KafkaConsumer<String, String> member = Clients.consumer(broker.bootstrapServers(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, "cli-lag-member",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000));
        String memberId;
        try {
            member.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (member.assignment().size() < 3 && System.currentTimeMillis() < deadline) {
                member.poll(Duration.ofMillis(200));
            }
            assertEquals(3, member.assignment().size(), "the only member's assignment");
            member.commitSync(Map.of(p0, new OffsetAndMetadata(4), p1, new OffsetAndMetadata(7),
                    p2, new OffsetAndMetadata(10)));
            memberId = member.groupMetadata().memberId();

            Result listed = groups("--list");
            assertEquals(0, listed.exitCode(), listed.toString());
            assertTrue(listed.stdoutLines().contains(group), listed.toString());

            Result stable = groups("--list", "--state", "Stable");
            assertEquals(0, stable.exitCode(), stable.toString());
            assertTrue(table(stable).contains(Map.of("GROUP", group, "STATE", "Stable")), stable.toString());
            table(stable).forEach(row -> assertEquals("Stable", row.get("STATE"), stable.toString()));

            Result described = groups("--describe", "--group", group);
            assertEquals(0, described.exitCode(), described.toString());
            assertFalse(described.stderr().contains("has no active members"), described.toString());
            Map<Integer, Map<String, String>> rows = byPartition(table(described));
            assertEquals(List.of(0, 1, 2), List.copyOf(rows.keySet()), described.toString());
            long[][] expected = {{4, 10, 6}, {7, 10, 3}, {10, 10, 0}};
            for (int p = 0; p < 3; p++) {
                Map<String, String> row = rows.get(p);
                assertEquals(group, row.get("GROUP"), described.toString());
                assertEquals(topic, row.get("TOPIC"), described.toString());
                assertEquals(String.valueOf(expected[p][0]), row.get("CURRENT-OFFSET"), described.toString());
                assertEquals(String.valueOf(expected[p][1]), row.get("LOG-END-OFFSET"), described.toString());
                assertEquals(String.valueOf(expected[p][2]), row.get("LAG"), described.toString());
                assertEquals(memberId, row.get("CONSUMER-ID"), described.toString());
                assertEquals("/127.0.0.1", row.get("HOST"), described.toString());
                assertEquals("cli-lag-member", row.get("CLIENT-ID"), described.toString());
            }

            Result members = groups("--describe", "--group", group, "--members");
            assertEquals(0, members.exitCode(), members.toString());
            assertEquals(List.of(Map.of("GROUP", group, "CONSUMER-ID", memberId, "HOST", "/127.0.0.1",
                    "CLIENT-ID", "cli-lag-member", "#PARTITIONS", "3")), table(members), members.toString());

            Result resetWhileActive = groups("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest",
                    "--execute");
            assertEquals(0, resetWhileActive.exitCode(), resetWhileActive.toString());
            assertTrue(resetWhileActive.stdout().contains("Error: Assignments can only be reset if the group '" + group
                    + "' is inactive, but the current state is Stable."), resetWhileActive.toString());

            Result deleteWhileActive = groups("--delete", "--group", group);
            assertEquals(0, deleteWhileActive.exitCode(), deleteWhileActive.toString());
            assertTrue(deleteWhileActive.stdout().contains("Error: Deletion of some consumer groups failed:")
                    && deleteWhileActive.stdout().contains("* Group '" + group + "' could not be deleted due to: "
                    + "org.apache.kafka.common.errors.GroupNotEmptyException"), deleteWhileActive.toString());
            assertEquals(Map.of(p0, 4L, p1, 7L, p2, 10L), committed(group), "after the refused reset and delete");
        } finally {
            member.close();
        }

        Result describedEmpty = groups("--describe", "--group", group);
        assertEquals(0, describedEmpty.exitCode(), describedEmpty.toString());
        assertTrue(describedEmpty.stderr().contains("Consumer group '" + group + "' has no active members."),
                describedEmpty.toString());
        Map<Integer, Map<String, String>> emptyRows = byPartition(table(describedEmpty));
        assertEquals("6", emptyRows.get(0).get("LAG"), describedEmpty.toString());
        for (Map<String, String> row : emptyRows.values()) {
            assertEquals("-", row.get("CONSUMER-ID"), describedEmpty.toString());
            assertEquals("-", row.get("HOST"), describedEmpty.toString());
            assertEquals("-", row.get("CLIENT-ID"), describedEmpty.toString());
        }

        assertReset(group, topic, each(topic, 3, 0), "--to-earliest");
        assertReset(group, topic, each(topic, 3, 6), "--to-offset", "6");
        assertReset(group, topic, each(topic, 3, 4), "--shift-by", "-2");
        String datetime = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(middle)) + "+00:00";
        assertReset(group, topic, each(topic, 3, 5), "--to-datetime", datetime);

        Result dryRun = groups("--reset-offsets", "--group", group, "--topic", topic, "--to-offset", "1");
        assertEquals(0, dryRun.exitCode(), dryRun.toString());
        table(dryRun).forEach(row -> assertEquals("1", row.get("NEW-OFFSET"), dryRun.toString()));
        assertEquals(each(topic, 3, 5), committed(group), "a reset without --execute changes nothing");

        Result deleted = groups("--delete", "--group", group);
        assertEquals(0, deleted.exitCode(), deleted.toString());
        assertEquals(List.of("Deletion of requested consumer groups ('" + group + "') was successful."),
                deleted.stdoutLines(), deleted.toString());
        assertEquals(Map.of(), committed(group), "offsets of the deleted group");
        Result listedAfter = groups("--list");
        assertEquals(0, listedAfter.exitCode(), listedAfter.toString());
        assertFalse(listedAfter.stdoutLines().contains(group), listedAfter.toString());

        Result describedDeleted = groups("--describe", "--group", group);
        assertEquals(0, describedDeleted.exitCode(), describedDeleted.toString());
        assertTrue(describedDeleted.stdout().contains("Error: Executing consumer group command failed due to "
                + "org.apache.kafka.common.errors.GroupIdNotFoundException: Group " + group + " not found."),
                describedDeleted.toString());
    }

    /** --reset-offsets {@code scenario} --execute prints the new offsets, and they are what the group has. */
    private static void assertReset(String group, String topic, Map<TopicPartition, Long> expected, String... scenario)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic));
        args.addAll(List.of(scenario));
        args.add("--execute");
        Result reset = groups(args.toArray(String[]::new));
        assertEquals(0, reset.exitCode(), reset.toString());
        Map<TopicPartition, Long> printed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (Map<String, String> row : table(reset)) {
            assertEquals(group, row.get("GROUP"), reset.toString());
            printed.put(new TopicPartition(row.get("TOPIC"), Integer.parseInt(row.get("PARTITION"))),
                    Long.valueOf(row.get("NEW-OFFSET")));
        }
        assertEquals(expected, printed, "NEW-OFFSET of " + String.join(" ", scenario) + "\n" + reset);
        assertEquals(expected, committed(group), "committed after " + String.join(" ", scenario));
    }

    private static void produceFivePerPartition(String topic, String prefix) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int p = 0; p < 3; p++) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, prefix + "-" + p + "-" + i));
                }
            }
            producer.flush();
        }
    }
}
