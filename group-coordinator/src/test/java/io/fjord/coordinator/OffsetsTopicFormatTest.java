package io.fjord.coordinator;

import io.fjord.coordinator.OffsetsTopicFormat.GroupMetadata;
import io.fjord.coordinator.OffsetsTopicFormat.MemberMetadata;
import io.fjord.coordinator.OffsetsTopicFormat.Writer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OffsetsTopicFormatTest {
    private static final TopicPartitionRef TP = new TopicPartitionRef("orders", 7);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void offsetKeyRoundTripsAsVersionOne() {
        byte[] key = OffsetsTopicFormat.offsetKey("grp", TP);
        assertEquals(0, key[0]);
        assertEquals(1, key[1]);
        assertEquals(new OffsetsTopicFormat.OffsetKey("grp", TP), OffsetsTopicFormat.decodeKey(key));
    }

    @Test
    void offsetKeyVersionZeroIsReadLikeVersionOne() {
        Writer w = new Writer();
        w.int16(0);
        w.string("grp", false);
        w.string("orders", false);
        w.int32(7);
        assertEquals(new OffsetsTopicFormat.OffsetKey("grp", TP), OffsetsTopicFormat.decodeKey(w.bytes()));
    }

    @Test
    void groupKeyRoundTripsAsVersionTwo() {
        byte[] key = OffsetsTopicFormat.groupKey("grp");
        assertEquals(2, key[1]);
        assertEquals(new OffsetsTopicFormat.GroupKey("grp"), OffsetsTopicFormat.decodeKey(key));
    }

    @Test
    void keysOfOtherRecordTypesDecodeAsUnknown() {
        Writer w = new Writer();
        w.int16(3);
        w.string("grp", false);
        assertEquals(new OffsetsTopicFormat.UnknownKey((short) 3), OffsetsTopicFormat.decodeKey(w.bytes()));
    }

    @Test
    void truncatedKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeKey(new byte[] {0, 1, 0, 9, 'g'}));
    }

    @Test
    void offsetValueRoundTripsAsVersionThree() {
        CommittedOffset offset = new CommittedOffset(42, 5, "meta", 1_700_000_000_123L);
        byte[] value = OffsetsTopicFormat.offsetValue(offset);
        assertEquals(3, value[1]);
        OffsetsTopicFormat.OffsetValue decoded = OffsetsTopicFormat.decodeOffsetValue(value);
        assertEquals(offset, decoded.offset());
        assertEquals(-1, decoded.expireTimestampMs());
    }

    @Test
    void nullMetadataIsStoredAsEmptyString() {
        byte[] value = OffsetsTopicFormat.offsetValue(new CommittedOffset(1, -1, null, 9));
        assertEquals("", OffsetsTopicFormat.decodeOffsetValue(value).offset().metadata());
    }

    @Test
    void offsetValueVersionZeroHasNoLeaderEpoch() {
        Writer w = new Writer();
        w.int16(0);
        w.int64(10);
        w.string("m0", false);
        w.int64(1000);
        OffsetsTopicFormat.OffsetValue v = OffsetsTopicFormat.decodeOffsetValue(w.bytes());
        assertEquals(new CommittedOffset(10, -1, "m0", 1000), v.offset());
        assertEquals(-1, v.expireTimestampMs());
    }

    @Test
    void offsetValueVersionOneKeepsItsExpireTimestamp() {
        Writer w = new Writer();
        w.int16(1);
        w.int64(11);
        w.string("m1", false);
        w.int64(2000);
        w.int64(5000);
        OffsetsTopicFormat.OffsetValue v = OffsetsTopicFormat.decodeOffsetValue(w.bytes());
        assertEquals(new CommittedOffset(11, -1, "m1", 2000), v.offset());
        assertEquals(5000, v.expireTimestampMs());
    }

    @Test
    void offsetValueVersionTwoHasCommitTimestampOnly() {
        Writer w = new Writer();
        w.int16(2);
        w.int64(12);
        w.string("m2", false);
        w.int64(3000);
        assertEquals(new CommittedOffset(12, -1, "m2", 3000), OffsetsTopicFormat.decodeOffsetValue(w.bytes()).offset());
    }

    @Test
    void offsetValueVersionFourIsFlexibleAndSkipsTaggedFields() {
        Writer w = new Writer();
        w.int16(4);
        w.int64(13);
        w.int32(2);
        w.string("m4", true);
        w.int64(4000);
        w.unsignedVarint(1);
        w.unsignedVarint(9);
        w.unsignedVarint(3);
        w.unsignedVarint(1);
        w.unsignedVarint(2);
        w.unsignedVarint(3);
        assertEquals(new CommittedOffset(13, 2, "m4", 4000), OffsetsTopicFormat.decodeOffsetValue(w.bytes()).offset());
    }

    @Test
    void unknownOffsetValueVersionIsRejected() {
        Writer w = new Writer();
        w.int16(5);
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeOffsetValue(w.bytes()));
    }

    @Test
    void groupValueRoundTripsAsVersionThreeWithMembers() {
        GroupMetadata group = new GroupMetadata("consumer", 4, "range", "m-1", 123L, List.of(
                new MemberMetadata("m-1", "i-1", "client-a", "/10.0.0.1", 20_000, 10_000, bytes("sub-a"), bytes("as-a")),
                new MemberMetadata("m-2", null, "client-b", "/10.0.0.2", 30_000, 6_000, bytes("sub-b"), bytes("as-b"))));
        byte[] value = OffsetsTopicFormat.groupValue(group);
        assertEquals(3, value[1]);
        GroupMetadata decoded = OffsetsTopicFormat.decodeGroupValue(value);
        assertEquals("consumer", decoded.protocolType());
        assertEquals(4, decoded.generation());
        assertEquals("range", decoded.protocol());
        assertEquals("m-1", decoded.leader());
        assertEquals(123L, decoded.currentStateTimestampMs());
        assertEquals(2, decoded.members().size());
        MemberMetadata a = decoded.members().get(0);
        assertEquals("i-1", a.groupInstanceId());
        assertEquals(20_000, a.rebalanceTimeoutMs());
        assertEquals(10_000, a.sessionTimeoutMs());
        assertArrayEquals(bytes("sub-a"), a.subscription());
        assertArrayEquals(bytes("as-a"), a.assignment());
        assertNull(decoded.members().get(1).groupInstanceId());
        assertEquals("client-b", decoded.members().get(1).clientId());
    }

    @Test
    void emptyGroupValueHasNullProtocolAndLeader() {
        GroupMetadata empty = new GroupMetadata("consumer", 9, null, null, 55L, List.of());
        GroupMetadata decoded = OffsetsTopicFormat.decodeGroupValue(OffsetsTopicFormat.groupValue(empty));
        assertNull(decoded.protocol());
        assertNull(decoded.leader());
        assertEquals(9, decoded.generation());
        assertEquals(List.of(), decoded.members());
    }

    /** A non-flexible group value of {@code version} (0 or 1) with one member, written up to its timeouts. */
    private static Writer legacyGroupValueUpToMemberTimeouts(int version) {
        Writer w = new Writer();
        w.int16(version);
        w.string("consumer", false);
        w.int32(2);
        w.nullableString("range", false);
        w.nullableString("m", false);
        w.int32(1);
        w.string("m", false);
        w.string("c", false);
        w.string("/h", false);
        return w;
    }

    @Test
    void groupValueVersionZeroUsesTheSessionTimeoutAsRebalanceTimeout() {
        Writer w = legacyGroupValueUpToMemberTimeouts(0);
        w.int32(7000);
        w.bytes(bytes("s"), false);
        w.bytes(bytes("a"), false);
        GroupMetadata decoded = OffsetsTopicFormat.decodeGroupValue(w.bytes());
        assertEquals(-1, decoded.currentStateTimestampMs());
        MemberMetadata m = decoded.members().get(0);
        assertEquals(7000, m.sessionTimeoutMs());
        assertEquals(7000, m.rebalanceTimeoutMs());
        assertNull(m.groupInstanceId());
    }

    @Test
    void groupValueVersionOneHasRebalanceTimeoutButNoStateTimestamp() {
        Writer w = legacyGroupValueUpToMemberTimeouts(1);
        w.int32(25_000);
        w.int32(7000);
        w.bytes(bytes("s"), false);
        w.bytes(bytes("a"), false);
        MemberMetadata m = OffsetsTopicFormat.decodeGroupValue(w.bytes()).members().get(0);
        assertEquals(25_000, m.rebalanceTimeoutMs());
        assertEquals(7000, m.sessionTimeoutMs());
    }

    @Test
    void groupValueVersionFourIsFlexible() {
        Writer w = new Writer();
        w.int16(4);
        w.string("consumer", true);
        w.int32(3);
        w.nullableString("range", true);
        w.nullableString("m", true);
        w.int64(77);
        w.arrayLength(1, true);
        w.string("m", true);
        w.nullableString("inst", true);
        w.string("c", true);
        w.string("/h", true);
        w.int32(25_000);
        w.int32(7000);
        w.bytes(bytes("s"), true);
        w.bytes(bytes("a"), true);
        w.unsignedVarint(0);
        w.unsignedVarint(0);
        GroupMetadata decoded = OffsetsTopicFormat.decodeGroupValue(w.bytes());
        assertEquals(3, decoded.generation());
        assertEquals(77, decoded.currentStateTimestampMs());
        assertEquals("inst", decoded.members().get(0).groupInstanceId());
        assertArrayEquals(bytes("a"), decoded.members().get(0).assignment());
    }

    @Test
    void consumerSubscriptionTopicsAreDecoded() {
        Writer w = new Writer();
        w.int16(1);
        w.int32(2);
        w.string("orders", false);
        w.string("payments", false);
        w.bytes(new byte[0], false);
        assertEquals(List.of("orders", "payments"), OffsetsTopicFormat.subscribedTopics(w.bytes()));
        assertNull(OffsetsTopicFormat.subscribedTopics(new byte[] {0, 1, 0}));
    }

    @Test
    void subscriptionWhoseTopicCountExceedsItsBytesDoesNotDecode() {
        byte[] hostile = {0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertNull(OffsetsTopicFormat.subscribedTopics(hostile));
    }

    private static Writer groupValueUpToMembers(int version, boolean flexible) {
        Writer w = new Writer();
        w.int16(version);
        w.string("consumer", flexible);
        w.int32(1);
        w.nullableString(null, flexible);
        w.nullableString(null, flexible);
        w.int64(0);
        return w;
    }

    @Test
    void groupValueWhoseMemberCountExceedsItsBytesIsRejected() {
        Writer w = groupValueUpToMembers(3, false);
        w.int32(Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeGroupValue(w.bytes()));
    }

    @Test
    void groupValueWhoseBytesLengthExceedsTheRecordIsRejected() {
        Writer w = groupValueUpToMembers(3, false);
        w.int32(1);
        w.string("m", false);
        w.nullableString(null, false);
        w.string("c", false);
        w.string("h", false);
        w.int32(1000);
        w.int32(1000);
        w.int32(Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeGroupValue(w.bytes()));
    }

    @Test
    void flexibleValueWhoseCompactStringLengthExceedsTheRecordIsRejected() {
        Writer w = new Writer();
        w.int16(4);
        w.int64(1);
        w.int32(-1);
        w.unsignedVarint(Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeOffsetValue(w.bytes()));
    }

    @Test
    void flexibleGroupValueWhoseMemberCountExceedsItsBytesIsRejected() {
        Writer w = groupValueUpToMembers(4, true);
        w.unsignedVarint(Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> OffsetsTopicFormat.decodeGroupValue(w.bytes()));
    }
}
