package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

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

    private static Admin admin(InProcessBroker broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(p);
    }

    private static void produce(InProcessBroker broker, int partition, int count) throws Exception {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "v" + i)).get();
            }
        }
    }

    private static long latest(Admin admin, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }

    private String metadataFile(int partition) throws Exception {
        return Files.readString(dir.resolve(TOPIC + "-" + partition).resolve("partition.metadata"), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eachPartitionDirNamesItsTopicIdAndAStaleDirIsDeletedOnLoad() throws Exception {
        Uuid id;
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of()); Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            id = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
            await(() -> Files.exists(dir.resolve(TOPIC + "-1").resolve("partition.metadata")), "partition.metadata");
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

        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of()); Admin admin = admin(broker)) {
            await(() -> {
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
