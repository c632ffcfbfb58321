package io.fjord.broker.group;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.coordinator.CommitRequest;
import io.fjord.coordinator.FetchOffsetsResult;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GroupCoordinatorService} on a full in-process node: a {@code __consumer_offsets} partition whose leadership
 * moves away is unloaded (NOT_COORDINATOR), one led again is reloaded from its log with what was committed before,
 * and the partitions of a deleted topic are unloaded.
 */
class GroupCoordinatorServiceTest {
    private static final TopicPartitionRef T0 = new TopicPartitionRef("t", 0);

    @TempDir
    Path dir;

    private BrokerServer server;

    @BeforeEach
    void startNode() throws Exception {
        server = start(dir.resolve("data"), "1");
    }

    private static BrokerServer start(Path logDir, String offsetsReplicationFactor) throws Exception {
        int controllerPort;
        try (ServerSocket s = new ServerSocket(0)) {
            controllerPort = s.getLocalPort();
        }
        BrokerServer node = new BrokerServer(BrokerConfig.fromMap(Map.of("node.id", "1",
                "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://localhost:0,CONTROLLER://localhost:" + controllerPort,
                "controller.listener.names", "CONTROLLER", "controller.quorum.voters", "1@localhost:" + controllerPort,
                "log.dirs", logDir.toString(), "http.listener", "localhost:0",
                "offsets.topic.replication.factor", offsetsReplicationFactor, "offsets.topic.num.partitions", "2")));
        node.start();
        return node;
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    private FetchOffsetsResult fetch(String group) throws Exception {
        return server.groupCoordinator().coordinator().fetchOffsets(group, List.of(T0), false).get(10, TimeUnit.SECONDS);
    }

    private FetchOffsetsResult awaitFetch(String group, ErrorCode expected) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        FetchOffsetsResult result = fetch(group);
        while (result.error() != expected) {
            assertTrue(System.currentTimeMillis() < deadline, "still " + result.error() + ", expected " + expected);
            Thread.sleep(20);
            result = fetch(group);
        }
        return result;
    }

    private MetadataImage awaitLoadedOffsetsTopic(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!server.groupCoordinator().offsetsTopicExists()) {
            assertTrue(System.currentTimeMillis() < deadline, "__consumer_offsets was not created");
            Thread.sleep(20);
        }
        awaitFetch(group, ErrorCode.NONE);
        return server.metadata().image();
    }

    @Test
    @Timeout(60)
    void losingLeadershipUnloadsAndRegainingItReloadsTheCommittedOffsetsFromTheLog() throws Exception {
        MetadataImage led = awaitLoadedOffsetsTopic("g");
        GroupCoordinator coordinator = server.groupCoordinator().coordinator();
        assertEquals(ErrorCode.NONE, coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(T0, 42, 3, "m")))).get(10, TimeUnit.SECONDS).errors().get(T0));
        TopicImage topic = led.topic(OffsetsTopic.NAME);
        int partition = coordinator.partitionFor("g");
        MetadataImage movedAway = new MetadataDelta(led).replayAll(List.of(
                new MetadataRecord.PartitionChangeRecord(topic.id(), partition, 2, List.of(2)))).apply(led.offset() + 1);

        server.groupCoordinator().onImage(movedAway);

        assertEquals(ErrorCode.NOT_COORDINATOR, fetch("g").error());

        server.groupCoordinator().onImage(led);

        FetchOffsetsResult reloaded = awaitFetch("g", ErrorCode.NONE);
        assertEquals(42, reloaded.offsets().get(T0).offset());
        assertEquals(3, reloaded.offsets().get(T0).leaderEpoch());
        assertEquals("m", reloaded.offsets().get(T0).metadata());
    }

    @Test
    @Timeout(60)
    void withKafkasDefaultReplicationFactorOfThreeOneNodeCannotCreateTheOffsetsTopic() throws Exception {
        server.close();
        server = start(dir.resolve("rf3"), "3");

        for (int i = 0; i < 20; i++) {
            assertFalse(server.groupCoordinator().offsetsTopicExists());
            Thread.sleep(20);
        }
        assertNull(server.metadata().image().topic(OffsetsTopic.NAME));
    }

    @Test
    @Timeout(60)
    void deletingTheOffsetsTopicUnloadsItsPartitions() throws Exception {
        MetadataImage led = awaitLoadedOffsetsTopic("g");
        MetadataImage deleted = new MetadataDelta(led).replayAll(List.of(
                new MetadataRecord.RemoveTopicRecord(led.topic(OffsetsTopic.NAME).id()))).apply(led.offset() + 1);

        server.groupCoordinator().onImage(deleted);

        assertEquals(ErrorCode.NOT_COORDINATOR, fetch("g").error());
    }
}
