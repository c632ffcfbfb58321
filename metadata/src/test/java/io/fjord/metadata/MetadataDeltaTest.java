package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.Endpoint;
import io.fjord.metadata.MetadataRecord.FeatureLevelRecord;
import io.fjord.metadata.MetadataRecord.PartitionChangeRecord;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.RegisterBrokerRecord;
import io.fjord.metadata.MetadataRecord.RemoveTopicRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataDeltaTest {

    private static final ConfigResource.Type TOPIC = ConfigResource.Type.TOPIC;
    private final Uuid fooId = Uuid.randomUuid();
    private final Uuid barId = Uuid.randomUuid();

    private MetadataImage twoTopics() {
        return MetadataImage.EMPTY.toDelta().replayAll(List.of(
                new RegisterBrokerRecord(1, 5, List.of(new Endpoint("PLAINTEXT", "localhost", 9092, (short) 0)), null),
                new TopicRecord("foo", fooId),
                new PartitionRecord(fooId, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(fooId, 1, List.of(1), List.of(1), 1, 0, 0),
                new TopicRecord("bar", barId),
                new PartitionRecord(barId, 0, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(TOPIC, "foo", "cleanup.policy", "compact"),
                new FeatureLevelRecord("metadata.version", (short) 7))).apply(10);
    }

    @Test
    void replayedTopicIsFoundByNameAndIdWithItsPartitions() {
        MetadataImage image = twoTopics();
        assertEquals(10, image.offset());
        assertSame(image.topic("foo"), image.topic(fooId));
        assertEquals(2, image.topic("foo").partitionCount());
        assertEquals(Map.of("cleanup.policy", "compact"), image.configs(new ConfigResource(TOPIC, "foo")));
        assertEquals(5, image.brokers().get(1).epoch());
    }

    @Test
    void partitionChangeBumpsPartitionEpochAndLeaderEpochOnlyWhenLeaderChanges() {
        MetadataImage image = twoTopics().toDelta()
                .replay(new PartitionChangeRecord(fooId, 0, PartitionChangeRecord.NO_LEADER_CHANGE, List.of()))
                .replay(new PartitionChangeRecord(fooId, 1, MetadataRecord.NO_LEADER, null))
                .apply(11);
        PartitionImage p0 = image.topic("foo").partition(0);
        assertEquals(List.of(), p0.isr());
        assertEquals(1, p0.leader());
        assertEquals(0, p0.leaderEpoch());
        assertEquals(1, p0.partitionEpoch());
        PartitionImage p1 = image.topic("foo").partition(1);
        assertEquals(List.of(1), p1.isr());
        assertEquals(MetadataRecord.NO_LEADER, p1.leader());
        assertEquals(1, p1.leaderEpoch());
        assertEquals(1, p1.partitionEpoch());
    }

    @Test
    void applyingADeltaLeavesTheBaseImageAndUnchangedTopicsUntouched() {
        MetadataImage before = twoTopics();
        MetadataImage after = before.toDelta()
                .replay(new PartitionChangeRecord(fooId, 0, MetadataRecord.NO_LEADER, null)).apply(11);
        assertEquals(1, before.topic("foo").partition(0).leader());
        assertSame(before.topic("bar"), after.topic("bar"));
    }

    @Test
    void removingATopicRemovesItsConfigs() {
        MetadataImage image = twoTopics().toDelta().replay(new RemoveTopicRecord(fooId)).apply(11);
        assertNull(image.topic("foo"));
        assertNull(image.topic(fooId));
        assertTrue(image.configs(new ConfigResource(TOPIC, "foo")).isEmpty());
        assertEquals(1, image.topicsByName().size());
    }

    @Test
    void configRecordWithNullValueDeletesTheKey() {
        MetadataImage image = twoTopics().toDelta()
                .replay(new ConfigRecord(TOPIC, "foo", "cleanup.policy", null)).apply(11);
        assertTrue(image.allConfigs().isEmpty());
    }

    @Test
    void duplicateTopicNameIsAnInvariantViolation() {
        MetadataDelta delta = twoTopics().toDelta();
        assertThrows(IllegalStateException.class, () -> delta.replay(new TopicRecord("foo", Uuid.randomUuid())));
    }

    @Test
    void partitionOfUnknownTopicIsAnInvariantViolation() {
        MetadataDelta delta = MetadataImage.EMPTY.toDelta();
        assertThrows(IllegalStateException.class,
                () -> delta.replay(new PartitionRecord(fooId, 0, List.of(1), List.of(1), 1, 0, 0)));
    }

    @Test
    void imageRestatedAsRecordsRebuildsAnEqualImage() {
        MetadataImage image = twoTopics().toDelta()
                .replay(new PartitionChangeRecord(fooId, 1, MetadataRecord.NO_LEADER, List.of())).apply(12);
        MetadataImage rebuilt = MetadataImage.EMPTY.toDelta().replayAll(image.toRecords()).apply(12);
        assertEquals(image, rebuilt);
    }

    @Test
    void deltaCannotBeReplayedAfterApply() {
        MetadataDelta delta = MetadataImage.EMPTY.toDelta();
        delta.apply(0);
        assertThrows(IllegalStateException.class, () -> delta.replay(new FeatureLevelRecord("x", (short) 1)));
    }
}
