package io.fjord.protocol;

import java.util.List;

/** A tagged-field section none of whose tags we know (the headers' case): kept raw for round trips. */
final class TaggedFields {
    private TaggedFields() {
    }

    static List<RawTaggedField> readAllUnknown(ProtocolReader reader) {
        int count = reader.readTaggedFieldCount();
        List<RawTaggedField> fields = null;
        for (int i = 0; i < count; i++) {
            int tag = reader.readUnsignedVarint();
            int end = reader.taggedFieldEnd(reader.readUnsignedVarint());
            fields = reader.readUnknownTaggedField(fields, tag, end);
        }
        return fields == null ? List.of() : List.copyOf(fields);
    }

    static void writeAllUnknown(ProtocolWriter writer, List<RawTaggedField> fields) {
        writer.writeUnsignedVarint(fields.size());
        writer.writeUnknownTaggedFields(fields, 0, Integer.MAX_VALUE);
    }

    static int sizeOfAllUnknown(List<RawTaggedField> fields) {
        return ProtocolWriter.sizeOfUnsignedVarint(fields.size()) + ProtocolWriter.sizeOfUnknownTaggedFields(fields);
    }
}
