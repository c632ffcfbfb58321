package io.fjord.codegen;

/** A schema file that does not follow the format; the message names the file and line. */
public final class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }
}
