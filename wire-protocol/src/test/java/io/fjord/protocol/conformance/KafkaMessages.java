package io.fjord.protocol.conformance;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.ImplicitLinkedHashCollection;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Builds populated kafka-clients message objects: every setter gets a random value (nulls, empty and
 * multi-element arrays, tagged fields, unknown tagged fields), and a value is kept only if kafka-clients
 * itself can still serialize the struct at the target version. So Kafka decides what a valid message of
 * each version looks like.
 */
final class KafkaMessages {
    private static final int MAX_DEPTH = 5;
    private final RandomValues values;

    KafkaMessages(RandomValues values) {
        this.values = values;
    }

    static byte[] serialize(Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        message.write(new ByteBufferAccessor(buffer), cache, version);
        if (buffer.hasRemaining()) {
            throw new IllegalStateException("kafka-clients size() disagrees with write()");
        }
        return buffer.array();
    }

    static boolean serializable(Message message, short version) {
        try {
            message.hashCode(); // a null in a field absent from this version serializes, but breaks hashCode
            serialize(message, version);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static ApiMessage parse(ApiMessage empty, byte[] bytes, short version) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        empty.read(new ByteBufferAccessor(buffer), version);
        if (buffer.hasRemaining()) {
            throw new IllegalStateException("kafka-clients left " + buffer.remaining() + " bytes unread");
        }
        return empty;
    }

    void populate(Message message, short version, int depth) {
        for (Method setter : message.getClass().getMethods()) {
            if (!isSetter(message, setter)) {
                continue;
            }
            Method getter;
            try {
                getter = message.getClass().getMethod(Character.toLowerCase(setter.getName().charAt(3)) + setter.getName().substring(4));
            } catch (NoSuchMethodException e) {
                continue;
            }
            try {
                Object original = getter.invoke(message);
                boolean tryNull = !setter.getParameterTypes()[0].isPrimitive() && values.chance(25);
                if (!trySet(message, setter, tryNull ? null : randomValue(setter, version, depth), version)
                        && !(tryNull && trySet(message, setter, randomValue(setter, version, depth), version))) {
                    setter.invoke(message, original);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(setter.toString(), e);
            }
        }
        if (values.chance(30)) {
            List<RawTaggedField> unknown = message.unknownTaggedFields();
            unknown.add(new RawTaggedField(1000 + values.random().nextInt(100), values.bytes()));
            if (!serializable(message, version)) {
                unknown.clear();
            }
        }
    }

    private boolean trySet(Message message, Method setter, Object value, short version) {
        try {
            setter.invoke(message, value);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return false;
        }
        return serializable(message, version);
    }

    private static boolean isSetter(Message message, Method m) {
        return m.getName().startsWith("set") && m.getName().length() > 3 && m.getParameterCount() == 1
                && m.getReturnType() == message.getClass() && !Modifier.isStatic(m.getModifiers());
    }

    private Object randomValue(Method setter, short version, int depth) throws ReflectiveOperationException {
        return randomValue(setter.getParameterTypes()[0], setter.getGenericParameterTypes()[0], version, depth);
    }

    private Object randomValue(Class<?> type, Type generic, short version, int depth) throws ReflectiveOperationException {
        var r = values.random();
        if (type == byte.class || type == Byte.class) {
            return (byte) r.nextInt();
        } else if (type == short.class || type == Short.class) {
            return (short) r.nextInt();
        } else if (type == int.class || type == Integer.class) {
            return r.nextBoolean() ? r.nextInt() : values.uint16();
        } else if (type == long.class || type == Long.class) {
            return r.nextBoolean() ? r.nextLong() : values.uint32();
        } else if (type == double.class) {
            return r.nextDouble();
        } else if (type == boolean.class) {
            return r.nextBoolean();
        } else if (type == String.class) {
            return values.string();
        } else if (type == byte[].class) {
            return values.bytes();
        } else if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(values.bytes());
        } else if (type == Uuid.class) {
            return new Uuid(r.nextLong(), r.nextLong());
        } else if (BaseRecords.class.isAssignableFrom(type)) {
            return MemoryRecords.readableRecords(values.recordBatch());
        } else if (List.class.isAssignableFrom(type)) {
            Type elementType = ((ParameterizedType) generic).getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>();
            int n = depth >= MAX_DEPTH ? 0 : values.count();
            for (int i = 0; i < n; i++) {
                list.add(randomValue((Class<?>) elementType, elementType, version, depth + 1));
            }
            return list;
        } else if (ImplicitLinkedHashCollection.class.isAssignableFrom(type)) {
            @SuppressWarnings("unchecked")
            Collection<Object> collection = (Collection<Object>) type.getConstructor().newInstance();
            Class<?> elementType = (Class<?>) ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments()[0];
            int n = depth >= MAX_DEPTH ? 0 : values.count();
            for (int i = 0; i < n; i++) {
                collection.add(randomValue(elementType, elementType, version, depth + 1));
            }
            return collection;
        } else if (Message.class.isAssignableFrom(type)) {
            Message nested = (Message) type.getConstructor().newInstance();
            populate(nested, version, depth + 1);
            return nested;
        }
        throw new IllegalStateException("no random value for " + type);
    }
}
