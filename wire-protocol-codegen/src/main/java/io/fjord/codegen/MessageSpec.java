package io.fjord.codegen;

import java.util.Map;

/**
 * The request or the response of one API: its top-level fields plus every struct it uses, by name.
 *
 * @param className generated class name, e.g. {@code ProduceRequest}
 * @param body      the top-level fields
 * @param structs   every struct reachable from {@code body}, in declaration order
 */
public record MessageSpec(String className, StructSpec body, Map<String, StructSpec> structs) {
}
