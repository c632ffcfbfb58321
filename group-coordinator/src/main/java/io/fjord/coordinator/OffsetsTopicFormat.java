package io.fjord.coordinator;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's {@code __consumer_offsets} record format, so a log written by Fjord reads like Kafka's and the other
 * way round. Keys start with an int16 version: 0 and 1 are offset commits (group, topic, partition), 2 is group
 * metadata (group); higher versions belong to record types Fjord does not use and decode to {@link UnknownKey}.
 * <ul>
 * <li>Offset commit value: int16 version; v0 offset, metadata, timestamp; v1 adds expire_timestamp after
 * commit_timestamp; v2 offset, metadata, commit_timestamp; v3 offset, leader_epoch, metadata, commit_timestamp
 * (written); v4 is v3 in the flexible encoding (compact strings, trailing tagged fields).</li>
 * <li>Group metadata value: int16 version, protocol_type, generation, nullable protocol, nullable leader,
 * current_state_timestamp (v2+), members (member_id, group_instance_id v3+, client_id, client_host,
 * rebalance_timeout v1+, session_timeout, subscription, assignment); v3 written, v4 is flexible.</li>
 * </ul>
 * A null value is a tombstone. Strings are UTF-8 with an int16 length (a compact one: unsigned varint length+1),
 * bytes and arrays an int32 length. A length or count larger than the bytes left is rejected before anything is
 * allocated, so a corrupt or hostile record cannot exhaust memory. Stateless and thread-safe.
 */
public final class OffsetsTopicFormat {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;
    static final short GROUP_VALUE_VERSION = 3;

    private OffsetsTopicFormat() {
    }

    /** A decoded record key. */
    public sealed interface Key permits OffsetKey, GroupKey, UnknownKey {
    }

    public record OffsetKey(String groupId, TopicPartitionRef partition) implements Key {
    }

    public record GroupKey(String groupId) implements Key {
    }

    /** A key of a record type the classic coordinator does not use (consumer-group or share-group records). */
    public record UnknownKey(short version) implements Key {
    }

    /** A decoded offset commit value; {@code expireTimestampMs} is -1 unless a v1 value set it. */
    public record OffsetValue(CommittedOffset offset, long expireTimestampMs) {
    }

    /** A decoded group metadata value; {@code currentStateTimestampMs} is -1 when unknown (v0-1). */
    public record GroupMetadata(String protocolType, int generation, String protocol, String leader,
                                long currentStateTimestampMs, List<MemberMetadata> members) {
        public GroupMetadata {
            members = List.copyOf(members);
        }
    }

    public record MemberMetadata(String memberId, String groupInstanceId, String clientId, String clientHost,
                                 int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription,
                                 byte[] assignment) {
    }

    public static byte[] offsetKey(String groupId, TopicPartitionRef partition) {
        Writer w = new Writer();
        w.int16(OFFSET_KEY_VERSION);
        w.string(groupId, false);
        w.string(partition.topic(), false);
        w.int32(partition.partition());
        return w.bytes();
    }

    public static byte[] groupKey(String groupId) {
        Writer w = new Writer();
        w.int16(GROUP_KEY_VERSION);
        w.string(groupId, false);
        return w.bytes();
    }

    /** Version 3; a null metadata is written as the empty string, as Kafka stores it. */
    public static byte[] offsetValue(CommittedOffset offset) {
        Writer w = new Writer();
        w.int16(OFFSET_VALUE_VERSION);
        w.int64(offset.offset());
        w.int32(offset.leaderEpoch());
        w.string(offset.metadata() == null ? "" : offset.metadata(), false);
        w.int64(offset.commitTimestampMs());
        return w.bytes();
    }

    /**
     * Version 1 (offset, metadata, commit timestamp, expire timestamp) when {@code expireTimestampMs} is not -1, as
     * Kafka writes a commit that carried a retention time (the leader epoch is not stored then); else version 3.
     */
    public static byte[] offsetValue(CommittedOffset offset, long expireTimestampMs) {
        if (expireTimestampMs == -1) {
            return offsetValue(offset);
        }
        Writer w = new Writer();
        w.int16((short) 1);
        w.int64(offset.offset());
        w.string(offset.metadata() == null ? "" : offset.metadata(), false);
        w.int64(offset.commitTimestampMs());
        w.int64(expireTimestampMs);
        return w.bytes();
    }

    /** Version 3; a null protocol type is written as the empty string. */
    public static byte[] groupValue(GroupMetadata group) {
        Writer w = new Writer();
        w.int16(GROUP_VALUE_VERSION);
        w.string(group.protocolType() == null ? "" : group.protocolType(), false);
        w.int32(group.generation());
        w.nullableString(group.protocol(), false);
        w.nullableString(group.leader(), false);
        w.int64(group.currentStateTimestampMs());
        w.int32(group.members().size());
        for (MemberMetadata m : group.members()) {
            w.string(m.memberId(), false);
            w.nullableString(m.groupInstanceId(), false);
            w.string(m.clientId(), false);
            w.string(m.clientHost(), false);
            w.int32(m.rebalanceTimeoutMs());
            w.int32(m.sessionTimeoutMs());
            w.bytes(m.subscription() == null ? new byte[0] : m.subscription(), false);
            w.bytes(m.assignment() == null ? new byte[0] : m.assignment(), false);
        }
        return w.bytes();
    }

    /** @throws IllegalArgumentException when the bytes are not a valid key */
    public static Key decodeKey(byte[] key) {
        Reader r = new Reader(key);
        try {
            short version = r.int16();
            switch (version) {
                case 0, 1: {
                    String group = r.string(false);
                    String topic = r.string(false);
                    int partition = r.int32();
                    return new OffsetKey(group, new TopicPartitionRef(topic, partition));
                }
                case 2:
                    return new GroupKey(r.string(false));
                default:
                    return new UnknownKey(version);
            }
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated __consumer_offsets key", e);
        }
    }

    /** Reads offset commit value versions 0-4. @throws IllegalArgumentException when malformed */
    public static OffsetValue decodeOffsetValue(byte[] value) {
        Reader r = new Reader(value);
        try {
            short version = r.int16();
            if (version < 0 || version > 4) {
                throw new IllegalArgumentException("unknown offset commit value version " + version);
            }
            boolean flexible = version >= 4;
            long offset = r.int64();
            int leaderEpoch = version >= 3 ? r.int32() : -1;
            String metadata = r.string(flexible);
            long commitTimestamp = r.int64();
            long expireTimestamp = version == 1 ? r.int64() : -1;
            if (flexible) {
                r.skipTaggedFields();
            }
            return new OffsetValue(new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp), expireTimestamp);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated offset commit value", e);
        }
    }

    /** Reads group metadata value versions 0-4. @throws IllegalArgumentException when malformed */
    public static GroupMetadata decodeGroupValue(byte[] value) {
        Reader r = new Reader(value);
        try {
            short version = r.int16();
            if (version < 0 || version > 4) {
                throw new IllegalArgumentException("unknown group metadata value version " + version);
            }
            boolean flexible = version >= 4;
            String protocolType = r.string(flexible);
            int generation = r.int32();
            String protocol = r.nullableString(flexible);
            String leader = r.nullableString(flexible);
            long stateTimestamp = version >= 2 ? r.int64() : -1;
            int count = r.arrayLength(flexible);
            List<MemberMetadata> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String memberId = r.string(flexible);
                String instanceId = version >= 3 ? r.nullableString(flexible) : null;
                String clientId = r.string(flexible);
                String clientHost = r.string(flexible);
                int sessionTimeout;
                int rebalanceTimeout;
                if (version >= 1) {
                    rebalanceTimeout = r.int32();
                    sessionTimeout = r.int32();
                } else {
                    sessionTimeout = r.int32();
                    rebalanceTimeout = sessionTimeout;
                }
                byte[] subscription = r.bytes(flexible);
                byte[] assignment = r.bytes(flexible);
                if (flexible) {
                    r.skipTaggedFields();
                }
                members.add(new MemberMetadata(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                        sessionTimeout, subscription, assignment));
            }
            if (flexible) {
                r.skipTaggedFields();
            }
            return new GroupMetadata(protocolType, generation, protocol, leader, stateTimestamp, members);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated group metadata value", e);
        }
    }

    /**
     * The topics a "consumer" protocol subscription names (int16 version, then an array of int16-length strings;
     * later fields are ignored), or null when the bytes do not decode.
     */
    public static List<String> subscribedTopics(byte[] subscription) {
        if (subscription == null) {
            return null;
        }
        Reader r = new Reader(subscription);
        try {
            r.int16();
            int count = r.int32();
            if (count < 0 || count > r.remaining()) {
                return null;
            }
            List<String> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                topics.add(r.string(false));
            }
            return topics;
        } catch (BufferUnderflowException | NegativeArraySizeException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A big-endian encoder of the primitives above (tests also use it to build older and flexible versions). */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void int16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void int32(int v) {
            int16(v >>> 16);
            int16(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void unsignedVarint(int v) {
            while ((v & ~0x7f) != 0) {
                out.write((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write(v);
        }

        void string(String s, boolean compact) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (compact) {
                unsignedVarint(b.length + 1);
            } else {
                if (b.length > Short.MAX_VALUE) {
                    throw new IllegalArgumentException("string longer than " + Short.MAX_VALUE + " bytes");
                }
                int16(b.length);
            }
            out.writeBytes(b);
        }

        void nullableString(String s, boolean compact) {
            if (s == null) {
                if (compact) {
                    unsignedVarint(0);
                } else {
                    int16(-1);
                }
            } else {
                string(s, compact);
            }
        }

        void bytes(byte[] b, boolean compact) {
            if (compact) {
                unsignedVarint(b.length + 1);
            } else {
                int32(b.length);
            }
            out.writeBytes(b);
        }

        void arrayLength(int n, boolean compact) {
            if (compact) {
                unsignedVarint(n + 1);
            } else {
                int32(n);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes);
        }

        short int16() {
            return buf.getShort();
        }

        int int32() {
            return buf.getInt();
        }

        long int64() {
            return buf.getLong();
        }

        int remaining() {
            return buf.remaining();
        }

        /** Rejects a length or count read from the input that more than the bytes left could not hold. */
        private int checkedLength(int length, String what) {
            if (length > buf.remaining()) {
                throw new IllegalArgumentException(what + " of " + length + " with only " + buf.remaining()
                        + " bytes left");
            }
            return length;
        }

        int unsignedVarint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                byte b = buf.get();
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 5 bytes");
        }

        String nullableString(boolean compact) {
            int length = compact ? unsignedVarint() - 1 : int16();
            if (length < 0) {
                return null;
            }
            byte[] b = new byte[checkedLength(length, "string length")];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        String string(boolean compact) {
            String s = nullableString(compact);
            if (s == null) {
                throw new IllegalArgumentException("null where a string is required");
            }
            return s;
        }

        byte[] bytes(boolean compact) {
            int length = compact ? unsignedVarint() - 1 : int32();
            if (length < 0) {
                throw new IllegalArgumentException("null where bytes are required");
            }
            byte[] b = new byte[checkedLength(length, "bytes length")];
            buf.get(b);
            return b;
        }

        int arrayLength(boolean compact) {
            int n = compact ? unsignedVarint() - 1 : int32();
            if (n < 0) {
                throw new IllegalArgumentException("null where an array is required");
            }
            return checkedLength(n, "array length");
        }

        void skipTaggedFields() {
            int count = unsignedVarint();
            for (int i = 0; i < count; i++) {
                unsignedVarint();
                int size = unsignedVarint();
                if (size < 0 || size > buf.remaining()) {
                    throw new IllegalArgumentException("tagged field of " + size + " bytes with only "
                            + buf.remaining() + " left");
                }
                buf.position(buf.position() + size);
            }
        }
    }
}
