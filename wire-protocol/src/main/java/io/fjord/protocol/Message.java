package io.fjord.protocol;

import java.util.List;

/**
 * A generated protocol struct: a request, a response, or a struct nested in one. Implementations are
 * mutable value objects and not thread-safe.
 */
public interface Message {

    byte[] EMPTY_BYTES = new byte[0];

    /**
     * Replaces every field with what {@code reader} holds at {@code version}.
     *
     * @throws ProtocolDecodeException if the bytes are not a valid encoding
     */
    void read(ProtocolReader reader, short version);

    /** Writes this message at {@code version}; fields the version lacks are skipped. */
    void write(ProtocolWriter writer, short version);

    /** The exact number of bytes {@link #write} produces at {@code version}. */
    int size(short version);

    /** Tagged fields read but not known to our schema, kept so they survive a round trip; ascending tags. */
    List<RawTaggedField> unknownTaggedFields();
}
