package io.fjord.codegen;

/**
 * One field of a struct or message as the schema file declares it.
 *
 * @param name             camelCase field name, also the Java accessor name
 * @param type             the field's type
 * @param versions         versions in which the field exists (as a regular field, or as a tagged one when
 *                         {@code tag >= 0})
 * @param nullableVersions versions in which null is a legal value
 * @param tag              tag number for tagged fields, -1 for regular fields
 * @param defaultValue     the default as written in the schema ({@code null} when unspecified); a value for
 *                         versions without the field and the value a tagged field is omitted at
 * @param line             line number in the schema file, for error messages
 */
public record FieldSpec(String name, FieldType type, Versions versions, Versions nullableVersions, int tag,
                        String defaultValue, int line) {

    public boolean isTagged() {
        return tag >= 0;
    }

    public boolean defaultsToNull() {
        return "null".equals(defaultValue);
    }
}
