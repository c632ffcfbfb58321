package io.fjord.codegen;

import java.util.List;

/** A named group of fields: the body of a message, an inline struct, or a common struct. Immutable. */
public record StructSpec(String name, List<FieldSpec> fields) {
}
