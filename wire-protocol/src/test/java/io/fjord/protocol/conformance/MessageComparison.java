package io.fjord.protocol.conformance;

import io.fjord.codegen.FieldSpec;
import io.fjord.codegen.FieldType;
import io.fjord.codegen.MessageSpec;
import io.fjord.codegen.StructSpec;
import io.fjord.protocol.Message;
import io.fjord.protocol.RawTaggedField;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Compares one of our messages with a kafka-clients message field by field, guided by our schema: every
 * field we declare must exist on Kafka's class (accessor names match ignoring case) and hold an equal
 * value, defaults included; unknown tagged fields must match too. Collects differences as paths.
 */
final class MessageComparison {
    private final MessageSpec spec;
    private final List<String> differences = new ArrayList<>();

    private MessageComparison(MessageSpec spec) {
        this.spec = spec;
    }

    static List<String> differences(MessageSpec spec, Message ours, org.apache.kafka.common.protocol.Message kafka) {
        MessageComparison c = new MessageComparison(spec);
        c.compareStruct(spec.className(), spec.body(), ours, kafka);
        return c.differences;
    }

    private void compareStruct(String path, StructSpec struct, Object ours, Object kafka) {
        for (FieldSpec field : struct.fields()) {
            Object ourValue = call(ours, field.name());
            Method kafkaAccessor = accessor(kafka.getClass(), field.name());
            if (kafkaAccessor == null) {
                differences.add(path + "." + field.name() + ": kafka-clients has no such field");
                continue;
            }
            Object kafkaValue;
            try {
                kafkaValue = kafkaAccessor.invoke(kafka);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            compareValue(path + "." + field.name(), field.type(), ourValue, kafkaValue);
        }
        List<RawTaggedField> ourUnknown = ((Message) ours).unknownTaggedFields();
        List<org.apache.kafka.common.protocol.types.RawTaggedField> kafkaUnknown =
                ((org.apache.kafka.common.protocol.Message) kafka).unknownTaggedFields();
        if (ourUnknown.size() != kafkaUnknown.size()) {
            differences.add(path + ": unknown tagged fields " + describe(ourUnknown) + " vs kafka " + kafkaUnknown);
        } else {
            for (int i = 0; i < ourUnknown.size(); i++) {
                if (ourUnknown.get(i).tag() != kafkaUnknown.get(i).tag()
                        || !Arrays.equals(ourUnknown.get(i).data(), kafkaUnknown.get(i).data())) {
                    differences.add(path + ": unknown tagged field " + i + " differs");
                }
            }
        }
    }

    private static String describe(List<RawTaggedField> fields) {
        return fields.stream().map(f -> "tag " + f.tag()).toList().toString();
    }

    private void compareValue(String path, FieldType type, Object ours, Object kafka) {
        if (ours == null || kafka == null) {
            if (ours != kafka && !(kafka instanceof BaseRecords r && r.sizeInBytes() == 0 && ours == null)) {
                differences.add(path + ": ours " + ours + ", kafka " + kafka);
            }
            return;
        }
        if (type instanceof FieldType.PrimitiveType p) {
            boolean same = switch (p.primitive()) {
                case UUID -> {
                    var u = (io.fjord.protocol.Uuid) ours;
                    var k = (org.apache.kafka.common.Uuid) kafka;
                    yield u.mostSignificantBits() == k.getMostSignificantBits() && u.leastSignificantBits() == k.getLeastSignificantBits();
                }
                case BYTES -> Arrays.equals((byte[]) ours, kafka instanceof ByteBuffer b ? toArray(b) : (byte[]) kafka);
                case RECORDS -> Arrays.equals(toArray((ByteBuf) ours), toArray(((MemoryRecords) kafka).buffer()));
                case INT8, INT16, UINT16, INT32, UINT32, INT64 -> ((Number) ours).longValue() == ((Number) kafka).longValue();
                default -> ours.equals(kafka);
            };
            if (!same) {
                differences.add(path + ": ours " + ours + ", kafka " + kafka);
            }
        } else if (type instanceof FieldType.ArrayType a) {
            Iterator<?> ourIt = ((List<?>) ours).iterator();
            Iterator<?> kafkaIt = ((Iterable<?>) kafka).iterator();
            int i = 0;
            while (ourIt.hasNext() && kafkaIt.hasNext()) {
                compareValue(path + "[" + i++ + "]", a.element(), ourIt.next(), kafkaIt.next());
            }
            if (ourIt.hasNext() || kafkaIt.hasNext()) {
                differences.add(path + ": array lengths differ");
            }
        } else {
            String name = ((FieldType.StructType) type).name();
            compareStruct(path, spec.structs().get(name), ours, kafka);
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static byte[] toArray(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    private static Object call(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method accessor(Class<?> type, String field) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0 && m.getName().equalsIgnoreCase(field)) {
                return m;
            }
        }
        return null;
    }
}
