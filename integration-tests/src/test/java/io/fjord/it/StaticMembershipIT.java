package io.fjord.it;

import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Static membership (KIP-345, {@code group.instance.id}) with stock KafkaConsumers against a bin/broker process:
 * a static member that restarts (its KafkaConsumer closed, which sends no LeaveGroup for a static member, and
 * a new one started with the same instance id) within the session timeout gets its partitions back under a new
 * member id, and the group does not rebalance: the other members' rebalance listeners are not called again and
 * the generation stays the same.
 */
@Timeout(120)
class StaticMembershipIT {
    private static final int SESSION_TIMEOUT_MS = 15_000;
    private static final int HEARTBEAT_INTERVAL_MS = 500;

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static GroupConsumer member(String group, String topic, String instanceId) {
        return GroupConsumer.start(broker.bootstrapServers(), group, topic, instanceId, Map.of(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS));
    }

    @Test
    void aStaticMemberRestartedWithinTheSessionTimeoutGetsItsPartitionsBackWithoutARebalance() throws Exception {
        String topic = "static-topic";
        String group = "static-group";
        broker.admin().createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();

        GroupConsumer one = member(group, topic, "static-1");
        GroupConsumer two = member(group, topic, "static-2");
        GroupConsumer three = member(group, topic, "static-3");
        GroupConsumer restarted = null;
        try {
            Eventually.until(60, () -> one.partitions().size() == 2 && two.partitions().size() == 2
                            && three.partitions().size() == 2
                            && one.generation() == two.generation() && two.generation() == three.generation(),
                    "three static members with two partitions each in one generation",
                    () -> one + " | " + two + " | " + three);
            Thread.sleep(4 * HEARTBEAT_INTERVAL_MS);
            int generation = one.generation();
            assertEquals(generation, two.generation(), two.toString());
            assertEquals(generation, three.generation(), three.toString());
            var oneEvents = one.events();
            var twoEvents = two.events();
            Set<Integer> threePartitions = three.partitions();
            String oldMemberId = three.memberId();

            three.close();
            long closedAt = System.nanoTime();
            restarted = member(group, topic, "static-3");
            GroupConsumer back = restarted;
            Eventually.until(30, () -> !back.partitions().isEmpty(), "the restarted static member's assignment",
                    back::toString);
            long rejoinedAfterMs = (System.nanoTime() - closedAt) / 1_000_000;
            assertTrue(rejoinedAfterMs < SESSION_TIMEOUT_MS, "rejoined only after " + rejoinedAfterMs + " ms");

            assertEquals(threePartitions, back.partitions(), "the restarted member's partitions");
            assertNotEquals(oldMemberId, back.memberId(), "a rejoining static member gets a new member id");
            Thread.sleep(6 * HEARTBEAT_INTERVAL_MS);
            assertEquals(oneEvents, one.events(), "rebalance listener calls of static-1 after static-3's restart");
            assertEquals(twoEvents, two.events(), "rebalance listener calls of static-2 after static-3's restart");
            assertEquals(generation, one.generation(), one.toString());
            assertEquals(generation, two.generation(), two.toString());
            assertEquals(generation, back.generation(), back.toString());

            var description = broker.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            assertEquals(GroupState.STABLE, description.groupState(), description.toString());
            Map<String, Set<Integer>> byInstance = new TreeMap<>();
            for (MemberDescription m : description.members()) {
                byInstance.put(m.groupInstanceId().orElse("?"), m.assignment().topicPartitions().stream()
                        .map(tp -> tp.partition()).collect(Collectors.toSet()));
            }
            assertEquals(Map.of("static-1", one.partitions(), "static-2", two.partitions(), "static-3",
                    threePartitions), byInstance, description.toString());
            assertTrue(description.members().stream().anyMatch(m -> m.consumerId().equals(back.memberId())),
                    description.toString());
            Set<Integer> all = new HashSet<>(one.partitions());
            all.addAll(two.partitions());
            all.addAll(back.partitions());
            assertEquals(Set.of(0, 1, 2, 3, 4, 5), all);
            one.assertHealthy();
            two.assertHealthy();
            back.assertHealthy();
        } finally {
            one.close();
            two.close();
            three.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }
}
