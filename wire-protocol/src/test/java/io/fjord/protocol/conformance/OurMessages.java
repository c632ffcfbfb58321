package io.fjord.protocol.conformance;

import io.fjord.codegen.ApiSpec;
import io.fjord.codegen.FieldSpec;
import io.fjord.codegen.FieldType;
import io.fjord.codegen.MessageSpec;
import io.fjord.codegen.StructSpec;
import io.fjord.protocol.Message;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.RawTaggedField;
import io.fjord.protocol.Uuid;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds populated messages of our generated classes by walking our schema: every field present in the
 * version gets a random value (null where the version allows it), flexible versions get unknown tagged
 * fields too. Also encodes and decodes our messages.
 */
public final class OurMessages {
    private static final int MAX_DEPTH = 5;
    private final RandomValues values;

    public OurMessages(long seed) {
        this.values = new RandomValues(seed);
    }

    public static byte[] encode(Message message, short version) {
        ByteBuf buf = Unpooled.buffer(message.size(version));
        message.write(new ProtocolWriter(buf), version);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    public static <M extends Message> M decode(M empty, byte[] bytes, short version) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        empty.read(new ProtocolReader(buf), version);
        if (buf.isReadable()) {
            throw new IllegalStateException(buf.readableBytes() + " bytes left after decoding " + empty.getClass().getSimpleName());
        }
        return empty;
    }

    public void populate(Message message, ApiSpec api, MessageSpec spec, short version) {
        populate(message, spec.body(), api, spec, version, 0);
    }

    private void populate(Message message, StructSpec struct, ApiSpec api, MessageSpec spec, short version, int depth) {
        for (FieldSpec field : struct.fields()) {
            if (!field.versions().contains(version)) {
                continue;
            }
            boolean nullable = field.nullableVersions().contains(version);
            Object value = nullable && values.chance(25) ? null : randomValue(field.type(), message, api, spec, version, depth);
            setter(message.getClass(), field.name()).invoke(message, value);
        }
        if (api.flexible().contains(version) && values.chance(30)) {
            int tag = 1000;
            for (int i = values.random().nextInt(3); i > 0; i--) {
                tag += 1 + values.random().nextInt(50);
                message.unknownTaggedFields().add(new RawTaggedField(tag, values.bytes()));
            }
        }
    }

    private Object randomValue(FieldType type, Message owner, ApiSpec api, MessageSpec spec, short version, int depth) {
        var r = values.random();
        if (type instanceof FieldType.PrimitiveType p) {
            return switch (p.primitive()) {
                case BOOL -> r.nextBoolean();
                case INT8 -> (byte) r.nextInt();
                case INT16 -> (short) r.nextInt();
                case UINT16 -> values.uint16();
                case INT32 -> r.nextInt();
                case UINT32 -> values.uint32();
                case INT64 -> r.nextLong();
                case FLOAT64 -> r.nextDouble();
                case UUID -> new Uuid(r.nextLong(), r.nextLong());
                case STRING -> values.string();
                case BYTES -> values.bytes();
                case RECORDS -> Unpooled.wrappedBuffer(values.recordBatch());
            };
        }
        if (type instanceof FieldType.ArrayType a) {
            List<Object> list = new ArrayList<>();
            int n = depth >= MAX_DEPTH ? 0 : values.count();
            for (int i = 0; i < n; i++) {
                list.add(randomValue(a.element(), owner, api, spec, version, depth + 1));
            }
            return list;
        }
        String name = ((FieldType.StructType) type).name();
        try {
            Message nested = (Message) structClass(owner, spec, name).getConstructor().newInstance();
            populate(nested, spec.structs().get(name), api, spec, version, depth + 1);
            return nested;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Class<?> structClass(Object owner, MessageSpec spec, String name) {
        Class<?> top = owner.getClass().getEnclosingClass() == null ? owner.getClass() : owner.getClass().getEnclosingClass();
        try {
            return Class.forName(top.getName() + "$" + name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no generated class for struct " + name + " in " + spec.className(), e);
        }
    }

    private static Setter setter(Class<?> type, String field) {
        String name = "set" + Character.toUpperCase(field.charAt(0)) + field.substring(1);
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return (target, value) -> {
                    try {
                        m.invoke(target, value);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(name, e);
                    }
                };
            }
        }
        throw new IllegalStateException("no setter " + name + " on " + type.getName());
    }

    private interface Setter {
        void invoke(Object target, Object value);
    }
}
