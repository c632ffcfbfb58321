package io.fjord.log;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionDirNameTest {

    @Test
    void thePartitionFollowsTheLastDashSoTopicsMayHoldDashesAndDots() {
        assertEquals(new PartitionDirName(new TopicPartition("my-topic.v2", 13), PartitionDirName.Kind.LIVE),
                PartitionDirName.parse("my-topic.v2-13"));
        assertEquals(new PartitionDirName(new TopicPartition("a-", 1), PartitionDirName.Kind.LIVE), PartitionDirName.parse("a--1"));
    }

    @Test
    void suffixedFormsNameTheirKind() {
        String id = "0123456789abcdef".repeat(2);
        TopicPartition partition = new TopicPartition("my.topic-v2", 3);
        assertEquals(new PartitionDirName(partition, PartitionDirName.Kind.DELETE), PartitionDirName.parse("my.topic-v2-3." + id + "-delete"));
        assertEquals(new PartitionDirName(partition, PartitionDirName.Kind.FUTURE), PartitionDirName.parse("my.topic-v2-3." + id + "-future"));
        assertEquals(new PartitionDirName(partition, PartitionDirName.Kind.STRAY), PartitionDirName.parse("my.topic-v2-3." + id + "-stray"));
    }

    @Test
    void namesNotInKafkasFormsAreRejected() {
        for (String name : List.of("lost+found", "orders", "orders-", "-1", "orders-x", "orders-2147483648", "orders-0-delete",
                "orders-0.-delete", "orders.abc-stray")) {
            assertThrows(IllegalArgumentException.class, () -> PartitionDirName.parse(name), name);
        }
    }

    @Test
    void deletionNamesParseBackAndStayWithin255Characters() {
        TopicPartition partition = new TopicPartition("orders.eu-west", 7);
        String name = PartitionDirName.forDeletion(partition);
        assertTrue(name.matches("orders\\.eu-west-7\\.[0-9a-f]{32}-delete"), name);
        assertEquals(new PartitionDirName(partition, PartitionDirName.Kind.DELETE), PartitionDirName.parse(name));

        String longName = PartitionDirName.forDeletion(new TopicPartition("t".repeat(249), 1234));
        assertEquals(255, longName.length());
        PartitionDirName parsed = PartitionDirName.parse(longName);
        assertEquals(1234, parsed.partition().partition());
        assertTrue("t".repeat(249).startsWith(parsed.partition().topic()));
    }
}
