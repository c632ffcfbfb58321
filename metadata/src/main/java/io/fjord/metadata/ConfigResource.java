package io.fjord.metadata;

import java.util.Objects;

/**
 * The owner of a set of dynamic configs: a topic by name, or a broker by id ("" = the cluster-wide
 * broker default), as in Kafka's DescribeConfigs/AlterConfigs. Immutable.
 */
public record ConfigResource(Type type, String name) {

    /** Resource types with Kafka's wire ids. */
    public enum Type {
        TOPIC((byte) 2),
        BROKER((byte) 4);

        private final byte id;

        Type(byte id) {
            this.id = id;
        }

        public byte id() {
            return id;
        }

        public static Type forId(byte id) {
            for (Type t : values()) {
                if (t.id == id) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown config resource type " + id);
        }
    }

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }
}
