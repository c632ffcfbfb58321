package io.fjord.codegen;

import java.util.List;

/** Generates {@code ApiMessages}: new request/response instances and version ranges by API key. Stateless. */
final class FactoryGenerator {
    private final String packageName;

    FactoryGenerator(String packageName) {
        this.packageName = packageName;
    }

    String generate(List<ApiSpec> apis) {
        CodeWriter w = new CodeWriter();
        w.line("package " + packageName + ";");
        w.blank();
        w.line("import io.fjord.protocol.ApiMessage;");
        w.blank();
        w.line("/** Every API with a schema: message factories by API key. Generated; do not edit. Thread-safe. */");
        w.open("public final class ApiMessages");
        w.line("/** API keys with a schema, ascending. */");
        StringBuilder keys = new StringBuilder();
        for (ApiSpec api : apis) {
            keys.append(keys.isEmpty() ? "" : ", ").append(api.apiKey());
        }
        w.line("public static final short[] API_KEYS = {" + keys + "};");
        w.blank();
        w.open("private ApiMessages()");
        w.close();
        emitFactory(w, apis, "newRequest", true);
        emitFactory(w, apis, "newResponse", false);
        emitVersionBound(w, apis, "lowestVersion", true);
        emitVersionBound(w, apis, "highestVersion", false);
        w.blank();
        w.line("/** Whether {@code version} of {@code apiKey} is flexible; false for APIs without a schema. */");
        w.open("public static boolean isFlexible(int apiKey, int version)");
        w.open("return switch (apiKey)");
        for (ApiSpec api : apis) {
            Versions f = api.flexible();
            w.line("case " + api.apiKey() + " -> " + (f.isEmpty() ? "false" : "version >= " + f.low()) + ";");
        }
        w.line("default -> false;");
        w.close(";");
        w.close();
        w.close();
        return w.toString();
    }

    private void emitVersionBound(CodeWriter w, List<ApiSpec> apis, String method, boolean low) {
        w.blank();
        w.line("/** The " + (low ? "lowest" : "highest") + " version the schema of {@code apiKey} covers, or -1 if it has none. */");
        w.open("public static short " + method + "(int apiKey)");
        w.open("return switch (apiKey)");
        for (ApiSpec api : apis) {
            w.line("case " + api.apiKey() + " -> " + (low ? api.valid().low() : api.valid().high()) + ";");
        }
        w.line("default -> -1;");
        w.close(";");
        w.close();
    }

    private void emitFactory(CodeWriter w, List<ApiSpec> apis, String method, boolean request) {
        w.blank();
        w.line("/** A new, default-valued " + (request ? "request" : "response") + " for {@code apiKey}, or null if it has no schema. */");
        w.open("public static ApiMessage " + method + "(int apiKey)");
        w.open("return switch (apiKey)");
        for (ApiSpec api : apis) {
            MessageSpec m = request ? api.request() : api.response();
            w.line("case " + api.apiKey() + " -> new " + m.className() + "();");
        }
        w.line("default -> null;");
        w.close(";");
        w.close();
    }
}
