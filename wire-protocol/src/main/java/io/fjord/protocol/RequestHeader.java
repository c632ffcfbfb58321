package io.fjord.protocol;

import io.fjord.protocol.message.ApiMessages;

import java.util.List;

/**
 * The header in front of every request body. Version 1 holds api key, api version, correlation id and a
 * nullable client id (always a classic int16-length string, even in flexible requests); version 2, used by
 * flexible request versions, adds a tagged-field section. Immutable.
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId,
                            List<RawTaggedField> unknownTaggedFields) {

    public RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId) {
        this(apiKey, apiVersion, correlationId, clientId, List.of());
    }

    /** 2 for flexible versions of known APIs, otherwise 1. */
    public static short headerVersion(short apiKey, short apiVersion) {
        return ApiMessages.isFlexible(apiKey, apiVersion) ? (short) 2 : (short) 1;
    }

    public short headerVersion() {
        return headerVersion(apiKey, apiVersion);
    }

    /** Reads a header; api key and version come first and decide the header version. */
    public static RequestHeader read(ProtocolReader reader) {
        short apiKey = reader.readInt16();
        short apiVersion = reader.readInt16();
        int correlationId = reader.readInt32();
        String clientId = reader.readNullableString(false);
        List<RawTaggedField> tagged = List.of();
        if (headerVersion(apiKey, apiVersion) >= 2) {
            tagged = TaggedFields.readAllUnknown(reader);
        }
        return new RequestHeader(apiKey, apiVersion, correlationId, clientId, tagged);
    }

    public void write(ProtocolWriter writer) {
        writer.writeInt16(apiKey);
        writer.writeInt16(apiVersion);
        writer.writeInt32(correlationId);
        writer.writeNullableString(clientId, false);
        if (headerVersion() >= 2) {
            TaggedFields.writeAllUnknown(writer, unknownTaggedFields);
        }
    }

    public int size() {
        int size = 8 + ProtocolWriter.sizeOfString(clientId, false);
        if (headerVersion() >= 2) {
            size += TaggedFields.sizeOfAllUnknown(unknownTaggedFields);
        }
        return size;
    }
}
