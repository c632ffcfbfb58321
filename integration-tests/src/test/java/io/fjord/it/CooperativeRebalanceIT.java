package io.fjord.it;

import io.fjord.it.GroupConsumer.Event;
import io.fjord.it.GroupConsumer.Kind;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental cooperative rebalancing (KIP-429) as stock KafkaConsumers with the CooperativeStickyAssignor
 * drive it against a bin/broker process: when a member joins, the existing members give up only the partitions
 * that move to it — their onPartitionsRevoked is called with exactly those, never with everything they own —
 * keep the rest throughout, and onPartitionsLost is never called.
 */
@Timeout(120)
class CooperativeRebalanceIT {
    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static GroupConsumer member(String group, String topic, String name) {
        return GroupConsumer.start(broker.bootstrapServers(), group, topic, name, Map.of(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    @Test
    void joiningMembersMakeTheOthersRevokeOnlyThePartitionsThatMove() throws Exception {
        String topic = "coop-topic";
        String group = "coop-group";
        broker.admin().createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();

        try (GroupConsumer a = member(group, topic, "coop-a")) {
            Eventually.until(30, () -> a.partitions().size() == 6, "the first member to own all six partitions",
                    a::toString);
            Set<Integer> aAlone = a.partitions();
            int aEventsAlone = a.events().size();

            try (GroupConsumer b = member(group, topic, "coop-b")) {
                Eventually.until(40, () -> a.partitions().size() == 3 && b.partitions().size() == 3,
                        "three partitions each after the second member joined", () -> a + " | " + b);
                assertOnlyMovedPartitionsRevoked(a, aEventsAlone, aAlone, b.partitions());
                Set<Integer> aTwo = a.partitions();
                Set<Integer> bTwo = b.partitions();
                int aEventsTwo = a.events().size();
                int bEventsTwo = b.events().size();

                try (GroupConsumer c = member(group, topic, "coop-c")) {
                    Eventually.until(40, () -> a.partitions().size() == 2 && b.partitions().size() == 2
                                    && c.partitions().size() == 2,
                            "two partitions each after the third member joined", () -> a + " | " + b + " | " + c);
                    Set<Integer> movedToC = c.partitions();
                    assertOnlyMovedPartitionsRevoked(a, aEventsTwo, aTwo, movedToC);
                    assertOnlyMovedPartitionsRevoked(b, bEventsTwo, bTwo, movedToC);
                    Set<Integer> all = new HashSet<>(a.partitions());
                    all.addAll(b.partitions());
                    all.addAll(c.partitions());
                    assertEquals(Set.of(0, 1, 2, 3, 4, 5), all, a + " | " + b + " | " + c);
                    for (GroupConsumer member : List.of(a, b, c)) {
                        assertEquals(0, member.count(Kind.LOST), member.toString());
                        member.assertHealthy();
                    }
                }
            }
        }
    }

    /**
     * Since event {@code from}, {@code member} revoked exactly what it owned then and no longer owns, each
     * revocation a non-empty part of what it owned (never all of it), only partitions that went to the joining
     * member, and it kept the rest; no partition was lost.
     */
    private static void assertOnlyMovedPartitionsRevoked(GroupConsumer member, int from, Set<Integer> owned,
                                                         Set<Integer> joinerOwns) {
        List<Event> events = member.events().subList(from, member.events().size());
        Set<Integer> now = member.partitions();
        Set<Integer> moved = new TreeSet<>(owned);
        moved.removeAll(now);
        assertTrue(owned.containsAll(now), member + " gained partitions it did not own: " + owned + " -> " + now);
        assertTrue(joinerOwns.containsAll(moved), member + " gave up " + moved + " but the joiner owns " + joinerOwns);
        Set<Integer> revoked = new TreeSet<>();
        for (Event event : events) {
            assertNotEquals(Kind.LOST, event.kind(), member + ": " + events);
            if (event.kind() == Kind.REVOKED) {
                Set<Integer> partitions = numbers(event.partitions());
                assertTrue(!partitions.isEmpty() && !partitions.equals(owned),
                        member + " revoked " + partitions + " while owning " + owned + ": " + events);
                revoked.addAll(partitions);
            }
        }
        assertEquals(moved, revoked, member + " revoked other partitions than those that moved: " + events);
    }

    private static Set<Integer> numbers(Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }
}
