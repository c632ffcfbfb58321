package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kafka-clients' AdminClient deleteRecords, describeLogDirs and describeTopics (DescribeTopicPartitions in
 * Kafka 4 clients) against an in-process broker.
 */
class AdminLogsIT {
    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();
    private Admin admin;

    @BeforeEach
    void createAdmin() {
        admin = broker.admin();
    }

    private void produce(String topic, int partition, int count) throws Exception {
        Clients.produce(broker.bootstrap(), topic, partition, count, i -> null, i -> "v" + i);
    }

    private long offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return Clients.offset(admin, tp, spec);
    }

    private long deleteBefore(TopicPartition tp, long offset) throws Exception {
        return admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).lowWatermarks().get(tp).get()
                .lowWatermark();
    }

    private Throwable deleteError(TopicPartition tp, long offset) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> deleteBefore(tp, offset));
        return e.getCause();
    }

    @Test
    @Timeout(60)
    void deleteRecordsMovesTheLowWatermarkAndTheEarliestOffset() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("t", 0);
        produce("t", 0, 10);

        assertEquals(6, deleteBefore(tp, 6));

        assertEquals(6, offset(tp, OffsetSpec.earliest()));
        assertEquals(10, offset(tp, OffsetSpec.latest()));
        assertEquals(6, deleteBefore(tp, 3), "an offset below the log start changes nothing");
        assertEquals(10, deleteBefore(tp, -1), "-1 deletes up to the high watermark");
        assertEquals(10, offset(tp, OffsetSpec.earliest()));
    }

    @Test
    @Timeout(60)
    void consumerFromTheBeginningSeesOnlyRecordsAfterTheLowWatermark() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("t", 0);
        produce("t", 0, 10);
        deleteBefore(tp, 7);

        assertEquals(7, offset(tp, OffsetSpec.earliest()));
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertEquals(7, consumer.position(tp, java.time.Duration.ofSeconds(20)));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.size() < 3 && System.currentTimeMillis() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(r.offset() + ":" + r.value()));
            }
            assertEquals(List.of("7:v7", "8:v8", "9:v9"), values);
        }
    }

    @Test
    @Timeout(60)
    void deleteRecordsErrorsAreKafkas() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1),
                new NewTopic("compacted", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        produce("t", 0, 3);

        assertInstanceOf(OffsetOutOfRangeException.class, deleteError(new TopicPartition("t", 0), 4));
        assertInstanceOf(PolicyViolationException.class, deleteError(new TopicPartition("compacted", 0), 0));
        assertEquals(0, offset(new TopicPartition("t", 0), OffsetSpec.earliest()));
    }

    @Test
    @Timeout(60)
    void describeLogDirsListsEveryPartitionWithItsSizeAndTheDiskSpace() throws Exception {
        admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
        produce("t", 1, 20);

        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);

        String logDir = broker.dir().toAbsolutePath().normalize().toString();
        assertEquals(List.of(logDir), List.copyOf(dirs.keySet()));
        LogDirDescription d = dirs.get(logDir);
        assertNull(d.error());
        ReplicaInfo empty = d.replicaInfos().get(new TopicPartition("t", 0));
        ReplicaInfo written = d.replicaInfos().get(new TopicPartition("t", 1));
        assertEquals(0, empty.size());
        assertTrue(written.size() > 20 * 2, "twenty records take more than 40 bytes, got " + written.size());
        assertEquals(0, written.offsetLag());
        assertFalse(written.isFuture());
        assertTrue(d.totalBytes().isPresent() && d.totalBytes().getAsLong() > 0);
        assertTrue(d.usableBytes().isPresent() && d.usableBytes().getAsLong() <= d.totalBytes().getAsLong());
    }

    @Test
    @Timeout(60)
    void anOfflineLogDirIsDescribedWithKafkaStorageError(@TempDir Path other) throws Exception {
        Path good = other.resolve("good");
        Path bad = other.resolve("bad");
        Files.writeString(bad, "a file where a log directory should be");
        try (InProcessBroker twoDirs = InProcessBroker.start(good, Map.of("log.dirs", good + "," + bad))) {
            try (Admin twoDirsAdmin = Clients.admin(twoDirs.bootstrap())) {
                Map<String, LogDirDescription> dirs = twoDirsAdmin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);

                assertEquals(Set.of(good.toString(), bad.toString()), dirs.keySet());
                assertInstanceOf(KafkaStorageException.class, dirs.get(bad.toString()).error());
                assertTrue(dirs.get(bad.toString()).replicaInfos().isEmpty());
                assertNull(dirs.get(good.toString()).error());
                assertTrue(dirs.get(good.toString()).totalBytes().isPresent());

                twoDirsAdmin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
                long deadline = System.currentTimeMillis() + 10_000;
                do {
                    dirs = twoDirsAdmin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
                } while (dirs.get(good.toString()).replicaInfos().size() < 2 && System.currentTimeMillis() < deadline);
                assertEquals(Set.of(new TopicPartition("t", 0), new TopicPartition("t", 1)),
                        dirs.get(good.toString()).replicaInfos().keySet(), "a new topic's logs go to the online dir");
            }
        }
    }

    @Test
    @Timeout(60)
    void describeTopicsPagesThroughPartitionsWithDescribeTopicPartitions() throws Exception {
        admin.createTopics(List.of(new NewTopic("a", 5, (short) 1), new NewTopic("b", 2, (short) 1))).all().get();

        Map<String, TopicDescription> topics = admin.describeTopics(List.of("a", "b"),
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(2).includeAuthorizedOperations(true))
                .allTopicNames().get();

        assertEquals(5, topics.get("a").partitions().size());
        assertEquals(2, topics.get("b").partitions().size());
        for (TopicPartitionInfo p : topics.get("a").partitions()) {
            assertEquals(1, p.leader().id());
            assertEquals(List.of(1), p.replicas().stream().map(Node::id).toList());
            assertEquals(List.of(1), p.isr().stream().map(Node::id).toList());
            assertEquals(List.of(), p.elr());
        }
        assertEquals(List.of(0, 1, 2, 3, 4), topics.get("a").partitions().stream().map(TopicPartitionInfo::partition).toList());
        assertTrue(topics.get("a").authorizedOperations().contains(AclOperation.DESCRIBE));
    }

    @Test
    @Timeout(60)
    void describeUnknownTopicFailsWithUnknownTopicOrPartition() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> admin.describeTopics(List.of("nope")).allTopicNames().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
    }
}
