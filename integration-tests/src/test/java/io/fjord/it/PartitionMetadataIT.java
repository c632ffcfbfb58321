package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * partition.metadata ties each partition dir to its topic id, as in Kafka: written when the log is created, and a
 * dir that names another id than the topic of that name has is deleted when the broker loads it.
 */
@Timeout(120)
class PartitionMetadataIT {
    private static final String TOPIC = "ledger";

    @TempDir
    Path dir;

    private static void produce(InProcessBroker broker, int partition, int count) throws Exception {
        Clients.produce(broker.bootstrap(), TOPIC, partition, count, i -> "k" + i, i -> "v" + i);
    }

    private static long latest(Admin admin, int partition) throws Exception {
        return Clients.offset(admin, new TopicPartition(TOPIC, partition), OffsetSpec.latest());
    }

    private String metadataFile(int partition) throws Exception {
        return Files.readString(dir.resolve(TOPIC + "-" + partition).resolve("partition.metadata"), StandardCharsets.UTF_8);
    }

    @Test
    void eachPartitionDirNamesItsTopicIdAndAStaleDirIsDeletedOnLoad() throws Exception {
        Uuid id;
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of()); Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            id = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
            Await.until(() -> Files.exists(dir.resolve(TOPIC + "-1").resolve("partition.metadata")), "partition.metadata");
            produce(broker, 0, 3);
            produce(broker, 1, 2);
            assertEquals("version: 0\ntopic_id: " + id + "\n", metadataFile(0));
            assertEquals("version: 0\ntopic_id: " + id + "\n", metadataFile(1));
        }

        // While the broker is down: partition 0's dir now belongs to another (deleted) topic of the same name,
        // partition 1's dir predates partition.metadata.
        Uuid other = Uuid.randomUuid();
        Files.writeString(dir.resolve(TOPIC + "-0").resolve("partition.metadata"), "version: 0\ntopic_id: " + other + "\n");
        Files.delete(dir.resolve(TOPIC + "-1").resolve("partition.metadata"));

        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of()); Admin admin = Clients.admin(broker.bootstrap())) {
            Await.until(() -> {
                try {
                    return metadataFile(0).contains(id.toString()) && metadataFile(1).contains(id.toString());
                } catch (Exception e) {
                    return false;
                }
            }, "partition.metadata rewritten");

            assertEquals(0, latest(admin, 0), "the stale log was replaced by an empty one");
            assertEquals(2, latest(admin, 1), "a log without partition.metadata is kept");
            assertEquals("version: 0\ntopic_id: " + id + "\n", metadataFile(0));
            assertEquals("version: 0\ntopic_id: " + id + "\n", metadataFile(1));
            try (var children = Files.list(dir)) {
                assertFalse(children.anyMatch(p -> p.getFileName().toString().startsWith(TOPIC + "-0.")
                        && !p.getFileName().toString().endsWith("-delete")), "only a -delete dir may remain of the old log");
            }
        }
    }
}
