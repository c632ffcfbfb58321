package io.fjord.it;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5's consumer-group acceptance with stock KafkaConsumers against a bin/broker process: three members of
 * one group share a 6-partition topic two partitions each; a member killed with SIGKILL (in its own JVM, so no
 * LeaveGroup and no commit) loses its partitions to the others only after its session timeout, and no record
 * is lost; a second group receives every record too (publish/subscribe). Committed offsets (with their
 * metadata) survive a clean restart and a SIGKILL of the broker, and a consumer of the group resumes there; a
 * Stable group's members keep their assignments across a restart of the broker shorter than their session
 * timeout, without a rebalance (the coordinator restores the group from __consumer_offsets).
 */
@Timeout(180)
class ConsumerGroupIT {
    private static final int SESSION_TIMEOUT_MS = 6000;

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static Map<String, Object> fastMember() {
        return Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    }

    /** Sends {@code values} round-robin over partitions 0..partitions-1, all acknowledged. */
    private static void produce(String topic, int partitions, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, values.get(i)));
            }
            producer.flush();
        }
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void threeMembersShareSixPartitionsAndAKilledMembersPartitionsMoveAfterTheSessionTimeoutWithoutLoss()
            throws Exception {
        String topic = "gc-spread";
        broker.admin().createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        List<String> before = values("before-", 300);
        List<String> after = values("after-", 300);
        produce(topic, 6, before);

        try (GroupConsumer other = GroupConsumer.start(broker.bootstrapServers(), "gc-spread-other", topic, "other",
                fastMember());
             GroupConsumer a = GroupConsumer.start(broker.bootstrapServers(), "gc-spread-main", topic, "a", fastMember());
             GroupConsumer b = GroupConsumer.start(broker.bootstrapServers(), "gc-spread-main", topic, "b", fastMember());
             ChildGroupConsumer c = ChildGroupConsumer.start(broker.bootstrapServers(), "gc-spread-main", topic,
                     SESSION_TIMEOUT_MS)) {
            Eventually.until(60, () -> a.partitions().size() == 2 && b.partitions().size() == 2
                            && c.partitions().size() == 2 && union(a.partitions(), b.partitions(), c.partitions()).size() == 6,
                    "three members with two partitions each", () -> a + " | " + b + " | " + c + "\n" + c.stderr());
            Eventually.until(30, () -> union(a.values(), b.values(), c.values()).containsAll(before),
                    "the group to read the first 300 records", () -> a + " | " + b + " | " + c);
            Set<Integer> killed = c.partitions();

            c.kill();
            long killedAt = System.nanoTime();
            produce(topic, 6, after);

            Eventually.until(40, () -> a.partitions().size() == 3 && b.partitions().size() == 3
                            && union(a.partitions(), b.partitions()).size() == 6,
                    "the killed member's partitions " + killed + " to move to the other two", () -> a + " | " + b);
            long movedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(movedAfterMs >= SESSION_TIMEOUT_MS - 1500,
                    "partitions moved " + movedAfterMs + " ms after the kill, before the session timeout of "
                            + SESSION_TIMEOUT_MS + " ms expired");
            Eventually.until(30, () -> union(a.values(), b.values()).containsAll(after),
                    "the two remaining members to read every record produced after the kill",
                    () -> missing(after, union(a.values(), b.values())));
            Set<String> all = new HashSet<>(before);
            all.addAll(after);
            assertTrue(union(a.values(), b.values(), c.values()).containsAll(all),
                    "records lost: " + missing(all, union(a.values(), b.values(), c.values())));

            Eventually.until(30, () -> other.values().containsAll(all), "the second group to read every record",
                    () -> missing(all, other.values()));
            assertEquals(Set.of(0, 1, 2, 3, 4, 5), other.partitions(), other.toString());
            a.assertHealthy();
            b.assertHealthy();
            other.assertHealthy();
        }
    }

    @Test
    void aStableGroupKeepsItsMembersAndAssignmentsAcrossABrokerRestartWithinTheSessionTimeout() throws Exception {
        String topic = "gc-restart";
        String group = "gc-restart-group";
        broker.admin().createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        List<String> before = values("r-before-", 100);
        List<String> after = values("r-after-", 100);
        produce(topic, 4, before);
        // While its only broker is down, a 4.x client rebootstraps by default (metadata.recovery.strategy), which
        // empties its cached metadata, and a leader that sees its subscribed topic "change" asks for a rebalance
        // itself — against Kafka as much as here. Without rebootstrap the client keeps its metadata, so any
        // rebalance would come from the coordinator.
        Map<String, Object> config = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
                CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        try (GroupConsumer a = GroupConsumer.start(broker.bootstrapServers(), group, topic, "restart-a", config);
             GroupConsumer b = GroupConsumer.start(broker.bootstrapServers(), group, topic, "restart-b", config)) {
            Eventually.until(60, () -> a.partitions().size() == 2 && b.partitions().size() == 2
                            && a.generation() == b.generation()
                            && union(a.values(), b.values()).containsAll(before),
                    "two members with two partitions each that read the first records", () -> a + " | " + b);
            Thread.sleep(1000);
            var aEvents = a.events();
            var bEvents = b.events();
            int generation = a.generation();

            broker.restart();
            produce(topic, 4, after);

            Eventually.until(40, () -> union(a.values(), b.values()).containsAll(after),
                    "the members to read the records produced after the restart",
                    () -> missing(after, union(a.values(), b.values())) + "; " + a + " | " + b);
            assertEquals(aEvents, a.events(), "rebalance listener calls of " + a.name() + " across the restart");
            assertEquals(bEvents, b.events(), "rebalance listener calls of " + b.name() + " across the restart");
            assertEquals(generation, a.generation(), a.toString());
            assertEquals(generation, b.generation(), b.toString());
            a.assertHealthy();
            b.assertHealthy();
        }
    }

    @Test
    void committedOffsetsAndTheirMetadataSurviveACleanRestartAndAKillOfTheBroker() throws Exception {
        String topic = "gc-durable";
        String group = "gc-durable-group";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        broker.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        produce(topic, 2, values("d-", 20));
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(
                p0, new OffsetAndMetadata(4, "checkpoint-p0"),
                p1, new OffsetAndMetadata(10, "checkpoint-p1"));
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (read < 20 && System.currentTimeMillis() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(20, read, "records read by the group member before it commits");
            consumer.commitSync(committed);
        }
        assertEquals(committed, committedOffsets(group), "before the restart");

        broker.restart();

        assertEquals(committed, committedOffsets(group), "after a clean restart");
        Map<Integer, Long> resumed = firstOffsetsRead(group, topic, 6);
        assertEquals(Map.of(0, 4L), resumed, "the partitions and first offsets the group resumed at");

        Map<TopicPartition, OffsetAndMetadata> recommitted = Map.of(
                p0, new OffsetAndMetadata(7, "checkpoint-2"),
                p1, new OffsetAndMetadata(9, ""));
        broker.admin().alterConsumerGroupOffsets(group, recommitted).all().get();

        broker.killAndStart();

        assertEquals(recommitted, committedOffsets(group), "after a SIGKILL and start");
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return Clients.consumer(broker.bootstrapServers(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        return new HashMap<>(broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
    }

    /** A new member of {@code group} reads {@code expected} records; the first offset it got per partition. */
    private static Map<Integer, Long> firstOffsetsRead(String group, String topic, int expected) {
        Map<Integer, Long> first = new TreeMap<>();
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (read.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            // Anything beyond the expected records would show up within a few more polls.
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
        }
        for (ConsumerRecord<String, String> record : read) {
            first.putIfAbsent(record.partition(), record.offset());
        }
        assertEquals(expected, read.size(), "records read after resuming: " + read);
        return first;
    }

    @SafeVarargs
    private static <T> Set<T> union(Set<T>... sets) {
        Set<T> all = new HashSet<>();
        for (Set<T> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    private static String missing(Collection<String> expected, Set<String> got) {
        List<String> missing = expected.stream().filter(v -> !got.contains(v)).toList();
        return missing.size() + " missing, e.g. " + missing.subList(0, Math.min(10, missing.size()));
    }
}
