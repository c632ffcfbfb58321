package io.fjord.protocol;

import io.fjord.protocol.message.ApiMessages;

import java.util.List;

/**
 * The header in front of every response body: the request's correlation id (version 0), plus a
 * tagged-field section (version 1) for flexible versions. ApiVersions is the exception: its response
 * header is always version 0, because a client that sent an unsupported version must still be able to
 * read the answer. Immutable.
 */
public record ResponseHeader(int correlationId, List<RawTaggedField> unknownTaggedFields) {

    public ResponseHeader(int correlationId) {
        this(correlationId, List.of());
    }

    public static short headerVersion(short apiKey, short apiVersion) {
        if (apiKey == ApiKey.API_VERSIONS.id()) {
            return 0;
        }
        return ApiMessages.isFlexible(apiKey, apiVersion) ? (short) 1 : (short) 0;
    }

    public static ResponseHeader read(ProtocolReader reader, short headerVersion) {
        int correlationId = reader.readInt32();
        List<RawTaggedField> tagged = headerVersion >= 1 ? TaggedFields.readAllUnknown(reader) : List.of();
        return new ResponseHeader(correlationId, tagged);
    }

    public void write(ProtocolWriter writer, short headerVersion) {
        writer.writeInt32(correlationId);
        if (headerVersion >= 1) {
            TaggedFields.writeAllUnknown(writer, unknownTaggedFields);
        }
    }

    public int size(short headerVersion) {
        return 4 + (headerVersion >= 1 ? TaggedFields.sizeOfAllUnknown(unknownTaggedFields) : 0);
    }
}
