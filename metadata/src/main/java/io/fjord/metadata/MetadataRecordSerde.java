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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link MetadataRecord}s, used for Raft log entries and snapshots. Stateless and
 * thread-safe.
 *
 * <p>Format (big-endian). A record: {@code version:int8 (=0) type:int8 fields...}. A batch (one Raft log
 * entry): {@code count:int32} then {@code count} times {@code length:int32 record-bytes}. Field types:
 * string = {@code length:int16 (-1 = null) utf8}, uuid = two int64, int list = {@code count:int32 int32...}
 * ({@code -1} = null). Per type, the fields in the order of the record's components. A reader rejects an
 * unknown version or type with {@link IllegalArgumentException}; new fields require a new version.
 */
public final class MetadataRecordSerde {

    static final byte VERSION = 0;

    static final byte TOPIC = 1;
    static final byte PARTITION = 2;
    static final byte PARTITION_CHANGE = 3;
    static final byte CONFIG = 4;
    static final byte REMOVE_TOPIC = 5;
    static final byte REGISTER_BROKER = 6;
    static final byte FEATURE_LEVEL = 7;

    private MetadataRecordSerde() {
    }

    public static byte[] encode(MetadataRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static MetadataRecord decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            MetadataRecord record = read(in);
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after " + record);
            }
            return record;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated metadata record", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encodeBatch(List<? extends MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * records.size() + 4);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(records.size());
            for (MetadataRecord r : records) {
                byte[] one = encode(r);
                out.writeInt(one.length);
                out.write(one);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<MetadataRecord> decodeBatch(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException("negative record count " + count);
            }
            List<MetadataRecord> records = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("bad record length " + length);
                }
                records.add(decode(in.readNBytes(length)));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after batch");
            }
            return records;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated metadata batch", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        out.writeByte(VERSION);
        if (record instanceof TopicRecord r) {
            out.writeByte(TOPIC);
            writeString(out, r.name());
            writeUuid(out, r.topicId());
        } else if (record instanceof PartitionRecord r) {
            out.writeByte(PARTITION);
            writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            writeInts(out, r.replicas());
            writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
        } else if (record instanceof PartitionChangeRecord r) {
            out.writeByte(PARTITION_CHANGE);
            writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            out.writeInt(r.leader());
            writeInts(out, r.isr());
        } else if (record instanceof ConfigRecord r) {
            out.writeByte(CONFIG);
            out.writeByte(r.resourceType().id());
            writeString(out, r.resourceName());
            writeString(out, r.key());
            writeString(out, r.value());
        } else if (record instanceof RemoveTopicRecord r) {
            out.writeByte(REMOVE_TOPIC);
            writeUuid(out, r.topicId());
        } else if (record instanceof RegisterBrokerRecord r) {
            out.writeByte(REGISTER_BROKER);
            out.writeInt(r.brokerId());
            out.writeLong(r.brokerEpoch());
            out.writeInt(r.endpoints().size());
            for (Endpoint e : r.endpoints()) {
                writeString(out, e.name());
                writeString(out, e.host());
                out.writeInt(e.port());
                out.writeShort(e.securityProtocol());
            }
            writeString(out, r.rack());
        } else if (record instanceof FeatureLevelRecord r) {
            out.writeByte(FEATURE_LEVEL);
            writeString(out, r.name());
            out.writeShort(r.level());
        } else {
            throw new IllegalArgumentException("unknown record " + record);
        }
    }

    private static MetadataRecord read(DataInputStream in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported metadata record version " + version);
        }
        byte type = in.readByte();
        switch (type) {
            case TOPIC:
                return new TopicRecord(requireString(in), readUuid(in));
            case PARTITION:
                return new PartitionRecord(readUuid(in), in.readInt(), requireInts(in), requireInts(in),
                        in.readInt(), in.readInt(), in.readInt());
            case PARTITION_CHANGE:
                return new PartitionChangeRecord(readUuid(in), in.readInt(), in.readInt(), readInts(in));
            case CONFIG:
                return new ConfigRecord(ConfigResource.Type.forId(in.readByte()), requireString(in),
                        requireString(in), readString(in));
            case REMOVE_TOPIC:
                return new RemoveTopicRecord(readUuid(in));
            case REGISTER_BROKER: {
                int id = in.readInt();
                long epoch = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new IllegalArgumentException("bad endpoint count " + n);
                }
                List<Endpoint> endpoints = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    endpoints.add(new Endpoint(requireString(in), requireString(in), in.readInt(), in.readShort()));
                }
                return new RegisterBrokerRecord(id, epoch, endpoints, readString(in));
            }
            case FEATURE_LEVEL:
                return new FeatureLevelRecord(requireString(in), in.readShort());
            default:
                throw new IllegalArgumentException("unknown metadata record type " + type);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeShort(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        short length = in.readShort();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String requireString(DataInputStream in) throws IOException {
        String s = readString(in);
        if (s == null) {
            throw new IllegalArgumentException("null where a string is required");
        }
        return s;
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.mostSignificantBits());
        out.writeLong(id.leastSignificantBits());
    }

    private static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> ints) throws IOException {
        if (ints == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(ints.size());
        for (int i : ints) {
            out.writeInt(i);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || (long) n * 4 > in.available()) {
            throw new IllegalArgumentException("bad list length " + n);
        }
        List<Integer> ints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ints.add(in.readInt());
        }
        return ints;
    }

    private static List<Integer> requireInts(DataInputStream in) throws IOException {
        List<Integer> ints = readInts(in);
        if (ints == null) {
            throw new IllegalArgumentException("null where a list is required");
        }
        return ints;
    }
}
