package io.fjord.broker.group;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.InProcessNode;
import io.fjord.coordinator.CommitRequest;
import io.fjord.coordinator.FetchOffsetsResult;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;
import io.fjord.log.Scheduler;
import io.fjord.log.Time;
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

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GroupCoordinatorService} on a full in-process node: a {@code __consumer_offsets} partition whose leadership
 * moves away is unloaded (NOT_COORDINATOR), one led again is reloaded from its log with what was committed before
 * (also when the load takes several reads), the partitions of a deleted topic are unloaded, groups are placed by the
 * existing topic's partition count, the service's timers expire offsets, and closing unloads everything.
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
        return start(logDir, Map.of("offsets.topic.replication.factor", offsetsReplicationFactor));
    }

    private static BrokerServer start(Path logDir, Map<String, String> overrides) throws Exception {
        return InProcessNode.start(logDir, withOffsetsTopic(overrides));
    }

    /** Two {@code __consumer_offsets} partitions on this one node, then {@code overrides}. */
    private static Map<String, String> withOffsetsTopic(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "2"));
        props.putAll(overrides);
        return props;
    }

    /** A second service on the running node's metadata and logs, with its own config, clock and timers. */
    private GroupCoordinatorService serviceOnTheNode(Map<String, String> overrides, Time time, Scheduler scheduler) {
        return new GroupCoordinatorService(InProcessNode.config(dir.resolve("unused"), 1, withOffsetsTopic(overrides)), server.metadata(),
                server.partitions(), time, scheduler);
    }

    private static FetchOffsetsResult awaitFetch(GroupCoordinator coordinator, String group, ErrorCode expected)
            throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        FetchOffsetsResult result = coordinator.fetchOffsets(group, List.of(T0), false).get(10, TimeUnit.SECONDS);
        while (result.error() != expected) {
            assertTrue(System.currentTimeMillis() < deadline, "still " + result.error() + ", expected " + expected);
            Thread.sleep(20);
            result = coordinator.fetchOffsets(group, List.of(T0), false).get(10, TimeUnit.SECONDS);
        }
        return result;
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

    @Test
    @Timeout(60)
    void anEmptyGroupsCommittedOffsetExpiresAfterOffsetsRetentionMinutes() throws Exception {
        awaitLoadedOffsetsTopic("g");
        MockTime time = new MockTime();
        MockScheduler scheduler = new MockScheduler(time);
        try (GroupCoordinatorService service = serviceOnTheNode(Map.of("offsets.retention.minutes", "1",
                "offsets.retention.check.interval.ms", "1000"), time, scheduler)) {
            service.onImage(server.metadata().image());
            GroupCoordinator coordinator = service.coordinator();
            awaitFetch(coordinator, "g", ErrorCode.NONE);
            assertEquals(ErrorCode.NONE, coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                    List.of(new CommitRequest.Offset(T0, 7, -1, "")))).get(10, TimeUnit.SECONDS).errors().get(T0));

            time.advance(59_000);
            assertEquals(7, awaitFetch(coordinator, "g", ErrorCode.NONE).offsets().get(T0).offset());
            time.advance(1_000);

            long deadline = System.currentTimeMillis() + 30_000;
            while (coordinator.fetchOffsets("g", List.of(T0), false).get(10, TimeUnit.SECONDS)
                    .offsets().get(T0) != null) {
                assertTrue(System.currentTimeMillis() < deadline, "the offset did not expire");
                Thread.sleep(20);
            }
        }
    }

    @Test
    @Timeout(60)
    void groupsArePlacedByTheExistingTopicsPartitionCountNotTheSetting() throws Exception {
        awaitLoadedOffsetsTopic("g");
        String group = "group-0";
        for (int i = 1; Math.abs(group.hashCode()) % 3 != 2; i++) {
            group = "group-" + i;
        }
        try (GroupCoordinatorService service = serviceOnTheNode(Map.of("offsets.topic.num.partitions", "3"),
                new MockTime(), new MockScheduler(new MockTime()))) {
            assertEquals(3, service.coordinator().partitionCount());

            service.onImage(server.metadata().image());

            assertEquals(2, service.coordinator().partitionCount());
            assertNotEquals(2, service.coordinator().partitionFor(group));
            assertEquals(ErrorCode.NONE, awaitFetch(service.coordinator(), group, ErrorCode.NONE).error());
        }
    }

    @Test
    @Timeout(60)
    void aLoadTakingSeveralReadsRestoresEveryCommit() throws Exception {
        server.close();
        server = start(dir.resolve("small-reads"), Map.of("offsets.load.buffer.size", "300"));
        MetadataImage led = awaitLoadedOffsetsTopic("g");
        GroupCoordinator coordinator = server.groupCoordinator().coordinator();
        int commits = 40;
        for (int i = 0; i < commits; i++) {
            TopicPartitionRef tp = new TopicPartitionRef("t", i);
            assertEquals(ErrorCode.NONE, coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                    List.of(new CommitRequest.Offset(tp, 100 + i, -1, "metadata-" + i))))
                    .get(10, TimeUnit.SECONDS).errors().get(tp));
        }
        TopicImage topic = led.topic(OffsetsTopic.NAME);
        int partition = coordinator.partitionFor("g");
        assertTrue(server.partitions().leaderLog(OffsetsTopic.NAME, partition).orElseThrow().logEndOffset() >= commits);
        MetadataImage movedAway = new MetadataDelta(led).replayAll(List.of(
                new MetadataRecord.PartitionChangeRecord(topic.id(), partition, 2, List.of(2)))).apply(led.offset() + 1);
        server.groupCoordinator().onImage(movedAway);
        server.groupCoordinator().onImage(led);

        awaitFetch("g", ErrorCode.NONE);
        FetchOffsetsResult all = coordinator.fetchOffsets("g", null, false).get(10, TimeUnit.SECONDS);
        assertEquals(commits, all.offsets().size());
        for (int i = 0; i < commits; i++) {
            assertEquals(100 + i, all.offsets().get(new TopicPartitionRef("t", i)).offset());
            assertEquals("metadata-" + i, all.offsets().get(new TopicPartitionRef("t", i)).metadata());
        }
    }

    @Test
    @Timeout(60)
    void closingUnloadsEveryPartitionBeforeTheTimersStop() throws Exception {
        awaitLoadedOffsetsTopic("g");
        GroupCoordinator coordinator = server.groupCoordinator().coordinator();

        server.groupCoordinator().close();

        assertEquals(ErrorCode.NOT_COORDINATOR, fetch("g").error());
        assertEquals(ErrorCode.NOT_COORDINATOR, coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(T0, 1, -1, "")))).get(10, TimeUnit.SECONDS).errors().get(T0));
    }

    @Test
    @Timeout(60)
    void aPartitionAddedAfterTheGroupsWerePlacedIsNeverLoaded() throws Exception {
        MetadataImage led = awaitLoadedOffsetsTopic("g");
        TopicImage topic = led.topic(OffsetsTopic.NAME);
        MetadataImage grown = new MetadataDelta(led).replayAll(List.of(new MetadataRecord.PartitionRecord(
                topic.id(), 2, List.of(1), List.of(1), 1, 0, 0))).apply(led.offset() + 1);
        assertEquals(3, grown.topic(OffsetsTopic.NAME).partitionCount());

        server.groupCoordinator().onImage(grown);

        assertEquals(2, server.groupCoordinator().coordinator().partitionCount());
        assertEquals(ErrorCode.NONE, fetch("g").error());
    }
}
