package io.fjord.protocol;

import io.fjord.protocol.message.ApiMessages;

import java.util.List;

/**
 * The header in front of every request body. Version 0 holds api key, api version and correlation id
 * (only ControlledShutdown v0 ever used it); version 1 adds a nullable client id (always a classic
 * int16-length string, even in flexible requests); version 2, used by flexible request versions, adds a
 * tagged-field section. Immutable.
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId,
                            List<RawTaggedField> unknownTaggedFields) {

    public RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId) {
        this(apiKey, apiVersion, correlationId, clientId, List.of());
    }

    /** 2 for flexible versions of known APIs, 0 for ControlledShutdown v0, otherwise 1. */
    public static short headerVersion(short apiKey, short apiVersion) {
        if (apiKey == ApiKey.CONTROLLED_SHUTDOWN.id() && apiVersion == 0) {
            return 0;
        }
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
        short headerVersion = headerVersion(apiKey, apiVersion);
        String clientId = headerVersion >= 1 ? reader.readNullableString(false) : null;
        List<RawTaggedField> tagged = List.of();
        if (headerVersion >= 2) {
            tagged = TaggedFields.readAllUnknown(reader);
        }
        return new RequestHeader(apiKey, apiVersion, correlationId, clientId, tagged);
    }

    public void write(ProtocolWriter writer) {
        writer.writeInt16(apiKey);
        writer.writeInt16(apiVersion);
        writer.writeInt32(correlationId);
        if (headerVersion() >= 1) {
            writer.writeNullableString(clientId, false);
        }
        if (headerVersion() >= 2) {
            TaggedFields.writeAllUnknown(writer, unknownTaggedFields);
        }
    }

    public int size() {
        int size = 8;
        if (headerVersion() >= 1) {
            size += ProtocolWriter.sizeOfString(clientId, false);
        }
        if (headerVersion() >= 2) {
            size += TaggedFields.sizeOfAllUnknown(unknownTaggedFields);
        }
        return size;
    }
}
