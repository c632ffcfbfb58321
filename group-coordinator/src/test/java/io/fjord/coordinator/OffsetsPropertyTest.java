package io.fjord.coordinator;

import io.fjord.coordinator.OffsetsTopicFormat.GroupMetadata;
import io.fjord.coordinator.OffsetsTopicFormat.MemberMetadata;
import io.fjord.protocol.ErrorCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The record codec round-trips arbitrary values, and committed offsets after any sequence of commits, offset
 * deletes, group deletes and failed appends equal a plain map model, both live and after replaying the log.
 */
class OffsetsPropertyTest {
    private static final List<String> GROUPS = List.of("g1", "g2", "grüße");
    private static final List<TopicPartitionRef> PARTITIONS = List.of(new TopicPartitionRef("a", 0),
            new TopicPartitionRef("a", 1), new TopicPartitionRef("b", 0));

    private static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('é', '中', ' ', '-').ofMaxLength(40);
    }

    @Provide
    Arbitrary<CommittedOffset> offsets() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers(), text(), Arbitraries.longs())
                .as(CommittedOffset::new);
    }

    @Property(tries = 300)
    void offsetRecordsRoundTrip(@ForAll("offsets") CommittedOffset offset) {
        TopicPartitionRef tp = new TopicPartitionRef(offset.metadata() + "-t", (int) offset.offset());
        assertEquals(new OffsetsTopicFormat.OffsetKey("grp", tp),
                OffsetsTopicFormat.decodeKey(OffsetsTopicFormat.offsetKey("grp", tp)));
        assertEquals(offset, OffsetsTopicFormat.decodeOffsetValue(OffsetsTopicFormat.offsetValue(offset)).offset());
    }

    @Provide
    Arbitrary<List<MemberMetadata>> members() {
        return Combinators.combine(text(), text().injectNull(0.5), text(), text(), Arbitraries.integers(),
                Arbitraries.integers(), Arbitraries.bytes().array(byte[].class).ofMaxSize(30),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30)).as(MemberMetadata::new).list().ofMaxSize(5);
    }

    @Property(tries = 200)
    void groupRecordsRoundTrip(@ForAll("members") List<MemberMetadata> members, @ForAll int generation,
                               @ForAll long stateTimestamp) {
        GroupMetadata group = new GroupMetadata("consumer", generation, members.isEmpty() ? null : "range",
                members.isEmpty() ? null : members.get(0).memberId(), stateTimestamp, members);
        GroupMetadata decoded = OffsetsTopicFormat.decodeGroupValue(OffsetsTopicFormat.groupValue(group));
        assertEquals(group.protocolType(), decoded.protocolType());
        assertEquals(group.generation(), decoded.generation());
        assertEquals(group.protocol(), decoded.protocol());
        assertEquals(group.leader(), decoded.leader());
        assertEquals(group.currentStateTimestampMs(), decoded.currentStateTimestampMs());
        assertEquals(members.size(), decoded.members().size());
        for (int i = 0; i < members.size(); i++) {
            MemberMetadata in = members.get(i);
            MemberMetadata out = decoded.members().get(i);
            assertEquals(List.of(in.memberId(), String.valueOf(in.groupInstanceId()), in.clientId(), in.clientHost()),
                    List.of(out.memberId(), String.valueOf(out.groupInstanceId()), out.clientId(), out.clientHost()));
            assertEquals(in.rebalanceTimeoutMs(), out.rebalanceTimeoutMs());
            assertEquals(in.sessionTimeoutMs(), out.sessionTimeoutMs());
            assertArrayEquals(in.subscription(), out.subscription());
            assertArrayEquals(in.assignment(), out.assignment());
        }
    }

    /** One step: kind 0-5 commit, 6 delete an offset, 7 delete the group, 8 fail the next append. */
    record Step(int kind, int group, int partition, long offset) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2), Arbitraries.longs().between(0, 1000))
                .as(Step::new).list().ofMaxSize(40);
    }

    @Property(tries = 200)
    void committedOffsetsMatchAMapModelLiveAndAfterReplay(@ForAll("steps") List<Step> steps) {
        CoordinatorFixture f = new CoordinatorFixture();
        f.loadAll();
        Map<String, Map<TopicPartitionRef, Long>> model = new HashMap<>();
        boolean failNext = false;
        for (Step step : steps) {
            String group = GROUPS.get(step.group());
            TopicPartitionRef tp = PARTITIONS.get(step.partition());
            f.log.failWith(failNext ? ErrorCode.NOT_ENOUGH_REPLICAS : null);
            boolean failing = failNext;
            failNext = false;
            if (step.kind() <= 5) {
                ErrorCode error = f.commit(group, "", -1, tp, step.offset(), "m").errors().get(tp);
                assertEquals(failing ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE, error);
                if (!failing) {
                    model.computeIfAbsent(group, g -> new HashMap<>()).put(tp, step.offset());
                }
            } else if (step.kind() == 6) {
                DeleteOffsetsResult result = f.coordinator.deleteOffsets(group, List.of(tp)).join();
                boolean known = f.coordinator.group(group) != null;
                if (!failing && model.containsKey(group)) {
                    model.get(group).remove(tp);
                }
                if (!known) {
                    assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, result.error());
                }
            } else if (step.kind() == 7) {
                ErrorCode error = f.coordinator.deleteGroups(List.of(group)).join().get(group);
                if (error == ErrorCode.NONE) {
                    model.remove(group);
                }
            } else {
                failNext = true;
            }
            assertMatches(model, f.coordinator);
        }
        f.log.failWith(null);
        assertMatches(model, f.reloaded());
    }

    private static void assertMatches(Map<String, Map<TopicPartitionRef, Long>> model, GroupCoordinator coordinator) {
        for (String group : GROUPS) {
            Map<TopicPartitionRef, Long> actual = new HashMap<>();
            coordinator.fetchOffsets(group, null, false).join().offsets().forEach((tp, o) -> actual.put(tp, o.offset()));
            assertEquals(model.getOrDefault(group, Map.of()), actual, group);
        }
    }

}
