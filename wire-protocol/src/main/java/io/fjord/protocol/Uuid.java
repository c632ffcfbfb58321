package io.fjord.protocol;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * A 128-bit id (topic ids, directory ids), printed the way Kafka prints them: URL-safe base64 without
 * padding. Immutable.
 */
public record Uuid(long mostSignificantBits, long leastSignificantBits) {

    public static final Uuid ZERO = new Uuid(0L, 0L);

    /** A random id that is neither {@link #ZERO} nor starts with '-' when printed, as Kafka requires. */
    public static Uuid randomUuid() {
        while (true) {
            UUID u = UUID.randomUUID();
            Uuid id = new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
            if (!id.equals(ZERO) && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    public static Uuid fromString(String text) {
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        if (bytes.length != 16) {
            throw new IllegalArgumentException("a Uuid is 16 bytes, got " + bytes.length + " from " + text);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        return new Uuid(buf.getLong(), buf.getLong());
    }

    @Override
    public String toString() {
        ByteBuffer buf = ByteBuffer.allocate(16).putLong(mostSignificantBits).putLong(leastSignificantBits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }
}
