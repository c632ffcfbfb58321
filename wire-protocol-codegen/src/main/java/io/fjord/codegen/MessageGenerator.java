package io.fjord.codegen;

import io.fjord.codegen.FieldType.ArrayType;
import io.fjord.codegen.FieldType.Primitive;
import io.fjord.codegen.FieldType.PrimitiveType;
import io.fjord.codegen.FieldType.StructType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one message of an {@link ApiSpec} into the source of a Java class: a mutable value object with
 * fluent setters, {@code read}, {@code write}, {@code size}, {@code equals}, {@code hashCode} and
 * {@code toString}, and one static nested class per struct. The generated code talks to the hand-written
 * {@code ProtocolReader}/{@code ProtocolWriter} of the runtime package. Stateless.
 *
 * <p>Encoding rules the generated code follows: a field is read and written only in its versions (values
 * in other versions are the default on read and are skipped on write); flexible versions use compact
 * lengths and end every struct with a tagged-field section; a tagged field is written only when it differs
 * from its default, in ascending tag order, interleaved with unknown tagged fields kept from reading.
 */
public final class MessageGenerator {

    private final String packageName;

    public MessageGenerator(String packageName) {
        this.packageName = packageName;
    }

    public String generate(ApiSpec api, MessageSpec message, boolean request) {
        CodeWriter w = new CodeWriter();
        w.line("package " + packageName + ";");
        w.blank();
        w.line("import io.fjord.protocol.ApiMessage;");
        w.line("import io.fjord.protocol.Message;");
        w.line("import io.fjord.protocol.ProtocolReader;");
        w.line("import io.fjord.protocol.ProtocolWriter;");
        w.line("import io.fjord.protocol.RawTaggedField;");
        w.line("import io.fjord.protocol.Uuid;");
        w.line("import io.netty.buffer.ByteBuf;");
        w.blank();
        w.line("import java.util.ArrayList;");
        w.line("import java.util.Arrays;");
        w.line("import java.util.List;");
        w.line("import java.util.Objects;");
        w.blank();
        w.line("/**");
        w.line(" * The " + api.name() + " " + (request ? "request" : "response") + " (API key " + api.apiKey()
                + "), versions " + api.valid() + ", flexible " + api.flexible() + ".");
        w.line(" * Generated from {@code " + api.name() + ".schema}; do not edit. A mutable value object: not thread-safe.");
        w.line(" */");
        w.line("@SuppressWarnings({\"unused\", \"ConstantValue\"})");
        w.open("public final class " + message.className() + " implements ApiMessage");
        w.line("public static final short API_KEY = " + api.apiKey() + ";");
        w.line("public static final short LOWEST_VERSION = " + api.valid().low() + ";");
        w.line("public static final short HIGHEST_VERSION = " + api.valid().high() + ";");
        w.blank();
        new StructEmitter(api, message.body(), message.className(), true).emitBody(w);
        for (StructSpec struct : message.structs().values()) {
            w.blank();
            w.line("/** Part of the " + message.className() + ". Not thread-safe. */");
            w.open("public static final class " + struct.name() + " implements Message");
            new StructEmitter(api, struct, struct.name(), false).emitBody(w);
            w.close();
        }
        w.close();
        return w.toString();
    }

    /** Emits the members of one generated class. */
    private static final class StructEmitter {
        private final ApiSpec api;
        private final StructSpec struct;
        private final String className;
        private final boolean topLevel;
        private final List<FieldSpec> regular = new ArrayList<>();
        private final List<FieldSpec> tagged = new ArrayList<>();

        StructEmitter(ApiSpec api, StructSpec struct, String className, boolean topLevel) {
            this.api = api;
            this.struct = struct;
            this.className = className;
            this.topLevel = topLevel;
            for (FieldSpec f : struct.fields()) {
                (f.isTagged() ? tagged : regular).add(f);
            }
            tagged.sort(Comparator.comparingInt(FieldSpec::tag));
        }

        void emitBody(CodeWriter w) {
            for (FieldSpec f : struct.fields()) {
                w.line("private " + javaType(f.type()) + " " + f.name() + " = " + defaultValue(f) + ";");
            }
            w.line("private List<RawTaggedField> unknownTaggedFields;");
            w.blank();
            w.open("public " + className + "()");
            w.close();
            w.blank();
            w.open("public " + className + "(ProtocolReader reader, short version)");
            w.line("read(reader, version);");
            w.close();
            if (topLevel) {
                emitApiMethods(w);
            }
            emitRead(w);
            emitWrite(w);
            emitSize(w);
            for (FieldSpec f : tagged) {
                emitTaggedSize(w, f);
            }
            emitAccessors(w);
            emitEquals(w);
            emitToString(w);
        }

        private void emitApiMethods(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public short apiKey()");
            w.line("return API_KEY;");
            w.close();
            w.blank();
            w.line("@Override");
            w.open("public short lowestVersion()");
            w.line("return LOWEST_VERSION;");
            w.close();
            w.blank();
            w.line("@Override");
            w.open("public short highestVersion()");
            w.line("return HIGHEST_VERSION;");
            w.close();
            w.blank();
            w.line("@Override");
            w.open("public boolean isFlexible(short version)");
            w.line("return " + api.flexible().condition(api.valid()) + ";");
            w.close();
        }

        private String flexibleCondition() {
            return api.flexible().condition(api.valid());
        }

        // ---------------------------------------------------------------- read

        private void emitRead(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public void read(ProtocolReader reader, short version)");
            w.line("boolean flexible = " + flexibleCondition() + ";");
            for (FieldSpec f : regular) {
                String condition = f.versions().condition(api.valid());
                if (condition.equals("true")) {
                    emitReadValue(w, f, f.versions());
                } else if (condition.equals("false")) {
                    w.line("this." + f.name() + " = " + defaultValue(f) + ";");
                } else {
                    w.open("if (" + condition + ")");
                    emitReadValue(w, f, f.versions());
                    w.reopen("else");
                    w.line("this." + f.name() + " = " + defaultValue(f) + ";");
                    w.close();
                }
            }
            for (FieldSpec f : tagged) {
                w.line("this." + f.name() + " = " + defaultValue(f) + ";");
            }
            w.line("this.unknownTaggedFields = null;");
            if (!api.flexible().isEmpty()) {
                w.open("if (flexible)");
                w.line("int taggedCount = reader.readTaggedFieldCount();");
                w.open("for (int t = 0; t < taggedCount; t++)");
                w.line("int tag = reader.readUnsignedVarint();");
                w.line("int end = reader.taggedFieldEnd(reader.readUnsignedVarint());");
                String prefix = "if";
                for (FieldSpec f : tagged) {
                    String condition = f.versions().condition(api.valid());
                    String test = "tag == " + f.tag() + (condition.equals("true") ? "" : " && " + condition);
                    if (prefix.equals("if")) {
                        w.open("if (" + test + ")");
                    } else {
                        w.reopen("else if (" + test + ")");
                    }
                    emitReadValue(w, f, f.versions());
                    w.line("reader.expectPosition(end, \"" + f.name() + "\");");
                    prefix = "else";
                }
                if (tagged.isEmpty()) {
                    w.line("this.unknownTaggedFields = reader.readUnknownTaggedField(this.unknownTaggedFields, tag, end);");
                } else {
                    w.reopen("else");
                    w.line("this.unknownTaggedFields = reader.readUnknownTaggedField(this.unknownTaggedFields, tag, end);");
                    w.close();
                }
                w.close();
                w.close();
            }
            w.close();
        }

        /** Reads field {@code f} into {@code this.f}; the caller has established the version is one of {@code present}. */
        private void emitReadValue(CodeWriter w, FieldSpec f, Versions present) {
            String target = "this." + f.name();
            String nullable = f.nullableVersions().condition(present.intersect(api.valid()));
            FieldType type = f.type();
            if (type instanceof PrimitiveType p) {
                Primitive prim = p.primitive();
                if (p.canBeNull()) {
                    String plain = "reader.read" + prim.accessor() + "(flexible)";
                    String orNull = "reader.readNullable" + prim.accessor() + "(flexible)";
                    w.line(target + " = " + choose(nullable, orNull, plain) + ";");
                } else {
                    w.line(target + " = reader.read" + prim.accessor() + "();");
                }
            } else if (type instanceof StructType s) {
                String read = "new " + s.name() + "(reader, version)";
                switch (nullable) {
                    case "false" -> w.line(target + " = " + read + ";");
                    case "true" -> w.line(target + " = reader.readStructPresence() ? " + read + " : null;");
                    default -> w.line(target + " = (" + nullable + ") && !reader.readStructPresence() ? null : " + read + ";");
                }
            } else if (type instanceof ArrayType a) {
                String length = f.name() + "Length";
                w.line("int " + length + " = reader.readArrayLength(flexible);");
                w.open("if (" + length + " < 0)");
                if (nullable.equals("false")) {
                    w.line("throw reader.nullNotAllowed(\"" + f.name() + "\");");
                } else if (nullable.equals("true")) {
                    w.line(target + " = null;");
                } else {
                    w.open("if (!(" + nullable + "))");
                    w.line("throw reader.nullNotAllowed(\"" + f.name() + "\");");
                    w.close();
                    w.line(target + " = null;");
                }
                w.reopen("else");
                String elementType = boxedType(a.element());
                w.line("List<" + elementType + "> elements = new ArrayList<>(" + length + ");");
                w.open("for (int i = 0; i < " + length + "; i++)");
                w.line("elements.add(" + readElement(a.element()) + ");");
                w.close();
                w.line(target + " = elements;");
                w.close();
            }
        }

        private String readElement(FieldType element) {
            if (element instanceof PrimitiveType p) {
                return p.canBeNull()
                        ? "reader.read" + p.primitive().accessor() + "(flexible)"
                        : "reader.read" + p.primitive().accessor() + "()";
            }
            if (element instanceof StructType s) {
                return "new " + s.name() + "(reader, version)";
            }
            throw new SchemaException("arrays of arrays are not supported");
        }

        // ---------------------------------------------------------------- write

        private void emitWrite(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public void write(ProtocolWriter writer, short version)");
            w.line("boolean flexible = " + flexibleCondition() + ";");
            for (FieldSpec f : regular) {
                String condition = f.versions().condition(api.valid());
                if (condition.equals("true")) {
                    emitWriteValue(w, f, f.versions());
                } else if (!condition.equals("false")) {
                    w.open("if (" + condition + ")");
                    emitWriteValue(w, f, f.versions());
                    w.close();
                }
            }
            if (!api.flexible().isEmpty()) {
                w.open("if (flexible)");
                w.line("int taggedCount = ProtocolWriter.countOf(unknownTaggedFields);");
                for (FieldSpec f : tagged) {
                    w.open("if (" + taggedPresent(f) + ")");
                    w.line("taggedCount++;");
                    w.close();
                }
                w.line("writer.writeUnsignedVarint(taggedCount);");
                if (tagged.isEmpty()) {
                    w.line("writer.writeUnknownTaggedFields(unknownTaggedFields, 0, Integer.MAX_VALUE);");
                } else {
                    w.line("int unknownIndex = 0;");
                    for (FieldSpec f : tagged) {
                        w.line("unknownIndex = writer.writeUnknownTaggedFields(unknownTaggedFields, unknownIndex, " + f.tag() + ");");
                        w.open("if (" + taggedPresent(f) + ")");
                        w.line("writer.writeUnsignedVarint(" + f.tag() + ");");
                        w.line("writer.writeUnsignedVarint(" + taggedSizeMethod(f) + "(version));");
                        emitWriteValue(w, f, f.versions());
                        w.close();
                    }
                    w.line("writer.writeUnknownTaggedFields(unknownTaggedFields, unknownIndex, Integer.MAX_VALUE);");
                }
                w.close();
            }
            w.close();
        }

        private String taggedPresent(FieldSpec f) {
            String condition = f.versions().condition(api.valid());
            String notDefault = "!(" + isDefault(f, "this." + f.name()) + ")";
            return condition.equals("true") ? notDefault : condition + " && " + notDefault;
        }

        private void emitWriteValue(CodeWriter w, FieldSpec f, Versions present) {
            String value = "this." + f.name();
            String nullable = f.nullableVersions().condition(present.intersect(api.valid()));
            FieldType type = f.type();
            if (type instanceof PrimitiveType p) {
                Primitive prim = p.primitive();
                if (p.canBeNull()) {
                    String plain = "writer.write" + prim.accessor() + "(requireValue(" + value + ", \"" + f.name() + "\"), flexible);";
                    String orNull = "writer.writeNullable" + prim.accessor() + "(" + value + ", flexible);";
                    emitChoice(w, nullable, orNull, plain);
                } else {
                    w.line("writer.write" + prim.accessor() + "(" + value + ");");
                }
            } else if (type instanceof StructType) {
                String plain = "requireValue(" + value + ", \"" + f.name() + "\").write(writer, version);";
                switch (nullable) {
                    case "false" -> w.line(plain);
                    default -> {
                        String guard = nullable.equals("true") ? "" : "(" + nullable + ") && ";
                        w.open("if (" + guard + value + " == null)");
                        w.line("writer.writeStructPresence(false);");
                        w.reopen("else");
                        if (!nullable.equals("true")) {
                            w.open("if (" + nullable + ")");
                            w.line("writer.writeStructPresence(true);");
                            w.close();
                            w.line(plain);
                        } else {
                            w.line("writer.writeStructPresence(true);");
                            w.line(value + ".write(writer, version);");
                        }
                        w.close();
                    }
                }
            } else if (type instanceof ArrayType a) {
                w.open("if (" + value + " == null)");
                if (nullable.equals("true")) {
                    w.line("writer.writeArrayLength(-1, flexible);");
                } else if (nullable.equals("false")) {
                    w.line("throw ProtocolWriter.nullNotAllowed(\"" + f.name() + "\");");
                } else {
                    w.open("if (!(" + nullable + "))");
                    w.line("throw ProtocolWriter.nullNotAllowed(\"" + f.name() + "\");");
                    w.close();
                    w.line("writer.writeArrayLength(-1, flexible);");
                }
                w.reopen("else");
                w.line("writer.writeArrayLength(" + value + ".size(), flexible);");
                w.open("for (" + boxedType(a.element()) + " element : " + value + ")");
                w.line(writeElement(a.element()));
                w.close();
                w.close();
            }
        }

        private String writeElement(FieldType element) {
            if (element instanceof PrimitiveType p) {
                return p.canBeNull()
                        ? "writer.write" + p.primitive().accessor() + "(element, flexible);"
                        : "writer.write" + p.primitive().accessor() + "(element);";
            }
            return "element.write(writer, version);";
        }

        private static void emitChoice(CodeWriter w, String condition, String whenTrue, String whenFalse) {
            switch (condition) {
                case "true" -> w.line(whenTrue);
                case "false" -> w.line(whenFalse);
                default -> {
                    w.open("if (" + condition + ")");
                    w.line(whenTrue);
                    w.reopen("else");
                    w.line(whenFalse);
                    w.close();
                }
            }
        }

        private static String choose(String condition, String whenTrue, String whenFalse) {
            return switch (condition) {
                case "true" -> whenTrue;
                case "false" -> whenFalse;
                default -> "(" + condition + ") ? " + whenTrue + " : " + whenFalse;
            };
        }

        // ---------------------------------------------------------------- size

        private void emitSize(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public int size(short version)");
            w.line("boolean flexible = " + flexibleCondition() + ";");
            w.line("int size = 0;");
            for (FieldSpec f : regular) {
                String condition = f.versions().condition(api.valid());
                if (condition.equals("true")) {
                    emitSizeValue(w, f, "size");
                } else if (!condition.equals("false")) {
                    w.open("if (" + condition + ")");
                    emitSizeValue(w, f, "size");
                    w.close();
                }
            }
            if (!api.flexible().isEmpty()) {
                w.open("if (flexible)");
                w.line("int taggedCount = ProtocolWriter.countOf(unknownTaggedFields);");
                for (FieldSpec f : tagged) {
                    w.open("if (" + taggedPresent(f) + ")");
                    w.line("taggedCount++;");
                    w.line("int fieldSize = " + taggedSizeMethod(f) + "(version);");
                    w.line("size += ProtocolWriter.sizeOfUnsignedVarint(" + f.tag()
                            + ") + ProtocolWriter.sizeOfUnsignedVarint(fieldSize) + fieldSize;");
                    w.close();
                }
                w.line("size += ProtocolWriter.sizeOfUnsignedVarint(taggedCount) + ProtocolWriter.sizeOfUnknownTaggedFields(unknownTaggedFields);");
                w.close();
            }
            w.line("return size;");
            w.close();
        }

        private String taggedSizeMethod(FieldSpec f) {
            return "taggedSizeOf" + capitalize(f.name());
        }

        private void emitTaggedSize(CodeWriter w, FieldSpec f) {
            w.blank();
            w.open("private int " + taggedSizeMethod(f) + "(short version)");
            w.line("boolean flexible = true;");
            w.line("int fieldSize = 0;");
            emitSizeValue(w, f, "fieldSize");
            w.line("return fieldSize;");
            w.close();
        }

        private void emitSizeValue(CodeWriter w, FieldSpec f, String sum) {
            String value = "this." + f.name();
            FieldType type = f.type();
            if (type instanceof PrimitiveType p) {
                Primitive prim = p.primitive();
                if (p.canBeNull()) {
                    w.line(sum + " += ProtocolWriter.sizeOf" + prim.accessor() + "(" + value + ", flexible);");
                } else {
                    w.line(sum + " += " + prim.fixedSize + ";");
                }
            } else if (type instanceof StructType) {
                boolean canBeNull = !f.nullableVersions().intersect(f.versions()).isEmpty();
                if (canBeNull) {
                    w.line(sum + " += 1;");
                    w.open("if (" + value + " != null)");
                    w.line(sum + " += " + value + ".size(version);");
                    w.close();
                } else {
                    w.line(sum + " += " + value + ".size(version);");
                }
            } else if (type instanceof ArrayType a) {
                w.line(sum + " += ProtocolWriter.sizeOfArrayLength(" + value + " == null ? -1 : " + value + ".size(), flexible);");
                if (a.element() instanceof PrimitiveType p && !p.canBeNull()) {
                    w.open("if (" + value + " != null)");
                    w.line(sum + " += " + value + ".size() * " + p.primitive().fixedSize + ";");
                    w.close();
                } else {
                    w.open("if (" + value + " != null)");
                    w.open("for (" + boxedType(a.element()) + " element : " + value + ")");
                    if (a.element() instanceof PrimitiveType p) {
                        w.line(sum + " += ProtocolWriter.sizeOf" + p.primitive().accessor() + "(element, flexible);");
                    } else {
                        w.line(sum + " += element.size(version);");
                    }
                    w.close();
                    w.close();
                }
            }
        }

        // ---------------------------------------------------------------- accessors and Object methods

        private void emitAccessors(CodeWriter w) {
            for (FieldSpec f : struct.fields()) {
                w.blank();
                w.open("public " + javaType(f.type()) + " " + f.name() + "()");
                w.line("return " + f.name() + ";");
                w.close();
                w.blank();
                w.open("public " + className + " set" + capitalize(f.name()) + "(" + javaType(f.type()) + " " + f.name() + ")");
                w.line("this." + f.name() + " = " + f.name() + ";");
                w.line("return this;");
                w.close();
            }
            w.blank();
            w.line("@Override");
            w.open("public List<RawTaggedField> unknownTaggedFields()");
            w.open("if (unknownTaggedFields == null)");
            w.line("unknownTaggedFields = new ArrayList<>(0);");
            w.close();
            w.line("return unknownTaggedFields;");
            w.close();
            w.blank();
            w.open("private static <T> T requireValue(T value, String field)");
            w.open("if (value == null)");
            w.line("throw ProtocolWriter.nullNotAllowed(field);");
            w.close();
            w.line("return value;");
            w.close();
        }

        private void emitEquals(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public boolean equals(Object other)");
            w.open("if (this == other)");
            w.line("return true;");
            w.close();
            w.open("if (!(other instanceof " + className + " that))");
            w.line("return false;");
            w.close();
            List<String> terms = new ArrayList<>();
            for (FieldSpec f : struct.fields()) {
                terms.add(fieldEquals(f));
            }
            terms.add("RawTaggedField.sameFields(unknownTaggedFields, that.unknownTaggedFields)");
            w.line("return " + String.join("\n" + "                && ", terms) + ";");
            w.close();
            w.blank();
            w.line("@Override");
            w.open("public int hashCode()");
            w.line("int hash = 0;");
            for (FieldSpec f : struct.fields()) {
                w.line("hash = 31 * hash + " + fieldHash(f) + ";");
            }
            w.line("return hash;");
            w.close();
        }

        private void emitToString(CodeWriter w) {
            w.blank();
            w.line("@Override");
            w.open("public String toString()");
            StringBuilder expr = new StringBuilder("\"" + className + "(\"");
            String separator = "";
            for (FieldSpec f : struct.fields()) {
                String value = f.type() instanceof PrimitiveType p && p.primitive() == Primitive.BYTES
                        ? "Arrays.toString(" + f.name() + ")"
                        : f.type() instanceof PrimitiveType p2 && p2.primitive() == Primitive.STRING
                        ? "(" + f.name() + " == null ? \"null\" : \"'\" + " + f.name() + " + \"'\")"
                        : f.name();
                expr.append("\n        + \"").append(separator).append(f.name()).append("=\" + ").append(value);
                separator = ", ";
            }
            expr.append("\n        + \")\"");
            w.line("return " + expr + ";");
            w.close();
        }

        private String fieldEquals(FieldSpec f) {
            String a = f.name();
            String b = "that." + f.name();
            if (f.type() instanceof PrimitiveType p) {
                return switch (p.primitive()) {
                    case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64 -> a + " == " + b;
                    case FLOAT64 -> "Double.compare(" + a + ", " + b + ") == 0";
                    case BYTES -> "Arrays.equals(" + a + ", " + b + ")";
                    default -> "Objects.equals(" + a + ", " + b + ")";
                };
            }
            return "Objects.equals(" + a + ", " + b + ")";
        }

        private String fieldHash(FieldSpec f) {
            String a = f.name();
            if (f.type() instanceof PrimitiveType p) {
                return switch (p.primitive()) {
                    case BOOL -> "Boolean.hashCode(" + a + ")";
                    case INT8 -> "Byte.hashCode(" + a + ")";
                    case INT16 -> "Short.hashCode(" + a + ")";
                    case UINT16, INT32 -> "Integer.hashCode(" + a + ")";
                    case UINT32, INT64 -> "Long.hashCode(" + a + ")";
                    case FLOAT64 -> "Double.hashCode(" + a + ")";
                    case BYTES -> "Arrays.hashCode(" + a + ")";
                    default -> "Objects.hashCode(" + a + ")";
                };
            }
            return "Objects.hashCode(" + a + ")";
        }

        // ---------------------------------------------------------------- types and defaults

        static String javaType(FieldType type) {
            if (type instanceof PrimitiveType p) {
                return p.primitive().javaType;
            }
            if (type instanceof ArrayType a) {
                return "List<" + boxedType(a.element()) + ">";
            }
            return ((StructType) type).name();
        }

        static String boxedType(FieldType type) {
            if (type instanceof PrimitiveType p) {
                return p.primitive().boxedType;
            }
            return javaType(type);
        }

        private static String defaultValue(FieldSpec f) {
            if (f.defaultsToNull()) {
                return "null";
            }
            String given = f.defaultValue();
            FieldType type = f.type();
            if (type instanceof ArrayType) {
                return "new ArrayList<>(0)";
            }
            if (type instanceof StructType s) {
                return "new " + s.name() + "()";
            }
            Primitive prim = ((PrimitiveType) type).primitive();
            return switch (prim) {
                case BOOL -> given == null ? "false" : given;
                case INT8 -> "(byte) " + (given == null ? "0" : given);
                case INT16 -> "(short) " + (given == null ? "0" : given);
                case UINT16, INT32 -> given == null ? "0" : given;
                case UINT32, INT64 -> (given == null ? "0" : given) + "L";
                case FLOAT64 -> given == null ? "0.0" : given + "d";
                case UUID -> "Uuid.ZERO";
                case STRING -> given == null ? "\"\"" : given;
                case BYTES -> "EMPTY_BYTES";
                case RECORDS -> "null";
            };
        }

        private static String isDefault(FieldSpec f, String value) {
            if (f.defaultsToNull()) {
                return value + " == null";
            }
            FieldType type = f.type();
            if (type instanceof ArrayType) {
                return value + " != null && " + value + ".isEmpty()";
            }
            if (type instanceof StructType s) {
                return "new " + s.name() + "().equals(" + value + ")";
            }
            Primitive prim = ((PrimitiveType) type).primitive();
            return switch (prim) {
                case FLOAT64 -> "Double.compare(" + value + ", " + defaultValue(f) + ") == 0";
                case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64 -> value + " == " + defaultValue(f);
                case UUID -> "Uuid.ZERO.equals(" + value + ")";
                case STRING -> defaultValue(f) + ".equals(" + value + ")";
                case BYTES -> value + " != null && " + value + ".length == 0";
                case RECORDS -> value + " == null";
            };
        }

        static String capitalize(String name) {
            return Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
    }
}
