package io.fjord.codegen;

/**
 * The type of a schema field: a primitive, an array of some element type, or a struct by name.
 * Written in schema files as {@code int32}, {@code []string}, {@code []Partition} or {@code Assignment}.
 */
public sealed interface FieldType {

    static FieldType parse(String token) {
        if (token.startsWith("[]")) {
            return new ArrayType(parse(token.substring(2)));
        }
        for (Primitive p : Primitive.values()) {
            if (p.schemaName.equals(token)) {
                return new PrimitiveType(p);
            }
        }
        if (!token.matches("[A-Z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("unknown type " + token + " (struct names start with a capital)");
        }
        return new StructType(token);
    }

    /** Whether null is a representable value of this type at all (given nullable versions). */
    default boolean canBeNull() {
        return true;
    }

    enum Primitive {
        BOOL("bool", "boolean", "Boolean", 1),
        INT8("int8", "byte", "Byte", 1),
        INT16("int16", "short", "Short", 2),
        UINT16("uint16", "int", "Integer", 2),
        INT32("int32", "int", "Integer", 4),
        UINT32("uint32", "long", "Long", 4),
        INT64("int64", "long", "Long", 8),
        FLOAT64("float64", "double", "Double", 8),
        UUID("uuid", "Uuid", "Uuid", 16),
        STRING("string", "String", "String", -1),
        BYTES("bytes", "byte[]", "byte[]", -1),
        RECORDS("records", "ByteBuf", "ByteBuf", -1);

        final String schemaName;
        final String javaType;
        final String boxedType;
        final int fixedSize;

        Primitive(String schemaName, String javaType, String boxedType, int fixedSize) {
            this.schemaName = schemaName;
            this.javaType = javaType;
            this.boxedType = boxedType;
            this.fixedSize = fixedSize;
        }

        public String schemaName() {
            return schemaName;
        }

        boolean isNumeric() {
            return fixedSize > 0 && this != UUID && this != BOOL;
        }

        /** Name fragment of the ProtocolReader/Writer method, e.g. {@code Int32}. */
        String accessor() {
            return switch (this) {
                case BOOL -> "Bool";
                case INT8 -> "Int8";
                case INT16 -> "Int16";
                case UINT16 -> "Uint16";
                case INT32 -> "Int32";
                case UINT32 -> "Uint32";
                case INT64 -> "Int64";
                case FLOAT64 -> "Float64";
                case UUID -> "Uuid";
                case STRING -> "String";
                case BYTES -> "Bytes";
                case RECORDS -> "Records";
            };
        }
    }

    record PrimitiveType(Primitive primitive) implements FieldType {
        @Override
        public boolean canBeNull() {
            return primitive == Primitive.STRING || primitive == Primitive.BYTES || primitive == Primitive.RECORDS;
        }

        @Override
        public String toString() {
            return primitive.schemaName;
        }
    }

    record ArrayType(FieldType element) implements FieldType {
        @Override
        public String toString() {
            return "[]" + element;
        }
    }

    record StructType(String name) implements FieldType {
        @Override
        public String toString() {
            return name;
        }
    }
}
