package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.Endpoint;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A single-voter quorum in a temp dir, driven through the controller API. Each start/close costs about a
 * second (Ratis), so the scenarios are grouped into few quorum lifetimes.
 */
@Timeout(60)
class QuorumControllerTest {

    private static final ConfigResource.Type TOPIC = ConfigResource.Type.TOPIC;

    @TempDir
    Path dir;

    private QuorumController controller;

    @AfterEach
    void close() throws IOException {
        if (controller != null) {
            controller.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private QuorumConfig config(int port) {
        return QuorumConfig.of(1, "localhost:" + port, "1@localhost:" + port, dir).withTopicDefaults(3, (short) 1);
    }

    private QuorumController startWithBroker(QuorumConfig config) throws Exception {
        QuorumController c = QuorumController.start(config);
        System.out.println("metadata quorum: startup to first commit " + c.startupToFirstCommit().toMillis() + " ms");
        if (!c.image().brokers().containsKey(1)) {
            c.registerBroker(1, List.of(new Endpoint("PLAINTEXT", "localhost", 9092, (short) 0)), null)
                    .get(10, TimeUnit.SECONDS);
        }
        return c;
    }

    private static ErrorCode errorOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                return api.errorCode();
            }
            throw e;
        }
        return fail("expected an error, the operation succeeded");
    }

    @Test
    void createdTopicAppearsInTheImageWithDefaultsAndConfigs() throws Exception {
        controller = startWithBroker(config(freePort()));

        QuorumController.CreateTopicResult result = controller.createTopic("orders", -1, (short) -1,
                Map.of("cleanup.policy", "compact"), false).get(10, TimeUnit.SECONDS);

        assertEquals(3, result.numPartitions());
        assertEquals(1, result.replicationFactor());
        TopicImage topic = controller.image().topic("orders");
        assertEquals(result.topicId(), topic.id());
        assertEquals(3, topic.partitionCount());
        PartitionImage p = topic.partition(2);
        assertEquals(List.of(1), p.replicas());
        assertEquals(List.of(1), p.isr());
        assertEquals(1, p.leader());
        assertEquals(Map.of("cleanup.policy", "compact"), controller.image().configs(new ConfigResource(TOPIC, "orders")));
        assertEquals(controller.clusterId(), controller.image().clusterId());
    }

    @Test
    void requestsAreRejectedWithKafkasErrorCodes() throws Exception {
        controller = startWithBroker(config(freePort()));
        controller.createTopic("a.b", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);

        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, errorOf(controller.createTopic("a.b", 1, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, errorOf(controller.createTopic("a_b", 1, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, errorOf(controller.createTopic("bad name", 1, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, errorOf(controller.createTopic("..", 1, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_PARTITIONS, errorOf(controller.createTopic("t", 0, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_PARTITIONS, errorOf(controller.createTopic("t", -2, (short) 1, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, errorOf(controller.createTopic("t", 1, (short) 0, Map.of(), false)));
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, errorOf(controller.createTopic("t", 1, (short) 2, Map.of(), false)));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(controller.createTopic("t", 1, (short) 1, nullValue, false)));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(controller.createTopic("t", 1, (short) 1, Map.of("no.such", "1"), false)));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(controller.createTopic("t", 1, (short) 1, Map.of("retention.ms", "soon"), false)));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(controller.alterConfigs(
                new ConfigResource(TOPIC, "a.b"), Map.of("segment.bytes", "-5"), false)));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorOf(controller.deleteTopic("nope")));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_ID, errorOf(controller.deleteTopic(Uuid.randomUuid())));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorOf(controller.createPartitions("nope", 4, false)));
        assertEquals(ErrorCode.INVALID_PARTITIONS, errorOf(controller.createPartitions("a.b", 1, false)));
        assertEquals(ErrorCode.INVALID_PARTITIONS, errorOf(controller.createPartitions("a.b", 0, false)));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                errorOf(controller.alterConfigs(new ConfigResource(TOPIC, "nope"), Map.of("retention.ms", "1"), false)));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(controller.alterConfigs(
                new ConfigResource(TOPIC, "nope"), Map.of("k", "v"), false)), "configs are checked before existence, as Kafka");
        assertEquals(ErrorCode.INVALID_REQUEST, errorOf(controller.alterConfigs(
                new ConfigResource(ConfigResource.Type.BROKER, "x"), Map.of("k", "v"), false)));
        assertNull(controller.image().topic("t"));
    }

    @Test
    void validateOnlyChecksEverythingButWritesNothing() throws Exception {
        controller = startWithBroker(config(freePort()));
        long before = controller.image().offset();

        QuorumController.CreateTopicResult r = controller.createTopic("v", 5, (short) 1, Map.of(), true)
                .get(10, TimeUnit.SECONDS);

        assertEquals(Uuid.ZERO, r.topicId());
        assertEquals(5, r.numPartitions());
        assertNull(controller.image().topic("v"));
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, errorOf(controller.createTopic("v", 1, (short) 3, Map.of(), true)));
        assertEquals(before, controller.image().offset());
    }

    @Test
    void partitionsConfigsAndDeletionAreApplied() throws Exception {
        controller = startWithBroker(config(freePort()));
        Uuid id = controller.createTopic("t", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();

        controller.createPartitions("t", 5, false).get(10, TimeUnit.SECONDS);
        assertEquals(5, controller.image().topic("t").partitionCount());

        ConfigResource resource = new ConfigResource(TOPIC, "t");
        controller.alterConfigs(resource, Map.of("retention.ms", "1000", "segment.bytes", "2097152"), false)
                .get(10, TimeUnit.SECONDS);
        Map<String, String> delete = new HashMap<>();
        delete.put("segment.bytes", null);
        controller.alterConfigs(resource, delete, false).get(10, TimeUnit.SECONDS);
        assertEquals(Map.of("retention.ms", "1000"), controller.image().configs(resource));

        ConfigResource brokerDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        controller.alterConfigs(brokerDefault, Map.of("log.retention.ms", "5"), false).get(10, TimeUnit.SECONDS);
        assertEquals(Map.of("log.retention.ms", "5"), controller.image().configs(brokerDefault));

        assertEquals("t", controller.deleteTopic(id).get(10, TimeUnit.SECONDS));
        assertNull(controller.image().topic("t"));
        assertTrue(controller.image().configs(resource).isEmpty());

        Uuid second = controller.createTopic("t", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        assertNotEquals(id, second);
        assertEquals(second, controller.deleteTopic("t").get(10, TimeUnit.SECONDS));
    }

    @Test
    void createTopicsDecidesEachTopicOnItsOwnAndWritesTheGoodOnesTogether() throws Exception {
        controller = startWithBroker(config(freePort()));
        controller.createTopic("old", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        java.util.concurrent.atomic.AtomicInteger applied = new java.util.concurrent.atomic.AtomicInteger();
        controller.stateMachine().addListener(image -> applied.incrementAndGet());

        Map<String, QuorumController.CreateTopicOutcome> outcomes = controller.createTopics(List.of(
                new QuorumController.NewTopic("x", 2, (short) 1, Map.of()),
                new QuorumController.NewTopic("dup", 1, (short) 1, Map.of()),
                new QuorumController.NewTopic("dup", 1, (short) 1, Map.of()),
                new QuorumController.NewTopic("old", 1, (short) 1, Map.of()),
                new QuorumController.NewTopic("y.z", 1, (short) 1, Map.of()),
                new QuorumController.NewTopic("y_z", 1, (short) 1, Map.of()),
                new QuorumController.NewTopic("w", 1, (short) 1, Map.of("retention.ms", "7"))), false)
                .get(10, TimeUnit.SECONDS);

        assertNull(outcomes.get("x").error());
        assertNull(outcomes.get("w").error());
        assertNull(outcomes.get("y.z").error());
        assertEquals(ErrorCode.INVALID_REQUEST, outcomes.get("dup").error().errorCode());
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, outcomes.get("old").error().errorCode());
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, outcomes.get("y_z").error().errorCode());
        MetadataImage image = controller.image();
        assertEquals(outcomes.get("x").result().topicId(), image.topic("x").id());
        assertEquals(java.util.Set.of("old", "x", "y.z", "w"), image.topicsByName().keySet());
        assertEquals(Map.of("retention.ms", "7"), image.configs(new ConfigResource(TOPIC, "w")));
        assertEquals(1, applied.get(), "one log entry for the whole request");
    }

    @Test
    void deleteTopicsByNameAndIdDecidesEachOnItsOwn() throws Exception {
        controller = startWithBroker(config(freePort()));
        Uuid a = controller.createTopic("a", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        Uuid b = controller.createTopic("b", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        Uuid c = controller.createTopic("c", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        Uuid unknown = Uuid.randomUuid();

        List<QuorumController.DeleteTopicOutcome> outcomes = controller.deleteTopics(
                List.of("a", "nope", "c"), List.of(b, unknown, c)).get(10, TimeUnit.SECONDS);

        assertEquals(new QuorumController.DeleteTopicOutcome(a, "a", null), outcomes.get(0));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, outcomes.get(1).error().errorCode());
        assertEquals(ErrorCode.INVALID_REQUEST, outcomes.get(2).error().errorCode());
        assertEquals(new QuorumController.DeleteTopicOutcome(b, "b", null), outcomes.get(3));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_ID, outcomes.get(4).error().errorCode());
        assertEquals(ErrorCode.INVALID_REQUEST, outcomes.get(5).error().errorCode());
        assertEquals(java.util.Set.of("c"), controller.image().topicsByName().keySet());
        assertEquals(c, controller.image().topic("c").id());
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneSucceed() throws Exception {
        controller = startWithBroker(config(freePort()));
        List<CompletableFuture<QuorumController.CreateTopicResult>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(controller.createTopic("race", 1, (short) 1, Map.of(), false));
        }
        int ok = 0;
        for (CompletableFuture<QuorumController.CreateTopicResult> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
                ok++;
            } catch (ExecutionException e) {
                assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, ((ApiException) e.getCause()).errorCode());
            }
        }
        assertEquals(1, ok);
    }

    @Test
    void isrChangeFromTheLeaderBumpsThePartitionEpochAndStaleOnesAreFenced() throws Exception {
        controller = startWithBroker(config(freePort()));
        long epoch2 = controller.registerBroker(2, List.of(), null).get(10, TimeUnit.SECONDS);
        long epoch1 = controller.image().brokers().get(1).epoch();
        Uuid id = controller.createTopic("r", 1, (short) 2, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        PartitionImage p = controller.image().topic(id).partition(0);
        int leader = p.leader();
        int follower = p.replicas().get(1);
        long leaderEpoch = leader == 1 ? epoch1 : epoch2;

        PartitionImage shrunk = controller.alterPartitionIsr(leader, leaderEpoch, id, 0, 0, 0, List.of(leader))
                .get(10, TimeUnit.SECONDS);

        assertEquals(List.of(leader), shrunk.isr());
        assertEquals(1, shrunk.partitionEpoch());
        assertEquals(shrunk, controller.image().topic(id).partition(0));
        assertEquals(ErrorCode.INVALID_UPDATE_VERSION,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch, id, 0, 0, 0, List.of(leader, follower))));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch, id, 0, -1, 1, List.of(leader))));
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, errorOf(controller.alterPartitionIsr(follower,
                leader == 1 ? epoch2 : epoch1, id, 0, 0, 1, List.of(follower))));
        assertEquals(ErrorCode.STALE_BROKER_EPOCH,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch - 1, id, 0, 0, 1, List.of(leader))));
        assertEquals(ErrorCode.INELIGIBLE_REPLICA,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch, id, 0, 0, 1, List.of(leader, 9))));
        assertEquals(ErrorCode.INVALID_REQUEST,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch, id, 0, 0, 1, List.of(follower))));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_ID,
                errorOf(controller.alterPartitionIsr(leader, leaderEpoch, Uuid.randomUuid(), 0, 0, 1, List.of(leader))));
    }

    @Test
    void reRegisteringABrokerGivesItAHigherEpoch() throws Exception {
        controller = startWithBroker(config(freePort()));
        long first = controller.image().brokers().get(1).epoch();
        long second = controller.registerBroker(1, List.of(new Endpoint("PLAINTEXT", "h", 1, (short) 0)), "r1")
                .get(10, TimeUnit.SECONDS);
        assertTrue(second > first);
        assertEquals("r1", controller.image().brokers().get(1).rack());
    }

    @Test
    void restartRestoresTheSameImageFromSnapshotAndLog() throws Exception {
        int port = freePort();
        QuorumConfig config = config(port).withSnapshots(20, 4096, 1);
        controller = startWithBroker(config);
        String clusterId = controller.clusterId();
        for (int i = 0; i < 45; i++) {
            controller.createTopic("topic-" + i, 2, (short) 1, Map.of("retention.ms", Integer.toString(i)), false)
                    .get(10, TimeUnit.SECONDS);
        }
        controller.deleteTopic("topic-7").get(10, TimeUnit.SECONDS);
        MetadataImage before = controller.image();
        awaitTrue(() -> snapshotCount() > 0, "a snapshot after the threshold");
        awaitTrue(() -> controller.raftLogStartIndex() > 0, "log purged up to the snapshot");
        controller.close();
        controller = null;

        controller = QuorumController.start(config);
        System.out.println("metadata quorum: restart to first commit " + controller.startupToFirstCommit().toMillis() + " ms");

        MetadataImage after = controller.image();
        long snapshotIndex = controller.stateMachine().getLatestSnapshot().getIndex();
        assertTrue(snapshotIndex > 0 && snapshotIndex <= after.offset(),
                "restored from snapshot " + snapshotIndex + " plus the log up to " + after.offset());
        assertTrue(after.sameContentAs(before), () -> "before " + before + "\nafter " + after);
        assertEquals(clusterId, controller.clusterId());
        assertEquals(clusterId, after.clusterId());
        assertFalse(after.topicsByName().containsKey("topic-7"));
        assertEquals(44, after.topicsByName().size());
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS,
                errorOf(controller.createTopic("topic-3", 1, (short) 1, Map.of(), false)));
    }

    private long snapshotCount() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("raft"))) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).count();
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
