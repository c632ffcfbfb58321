package io.fjord.protocol.conformance;

import io.fjord.codegen.ApiSpec;
import io.fjord.codegen.GenerateMessages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Our schema files, parsed once with the build's own parser, for tests that walk message structure. */
public final class Schemas {
    private static List<ApiSpec> all;

    private Schemas() {
    }

    public static synchronized List<ApiSpec> all() {
        if (all == null) {
            try {
                all = GenerateMessages.parseAll(Path.of("src/main/schema"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    public static ApiSpec byKey(int apiKey) {
        return all().stream().filter(a -> a.apiKey() == apiKey).findFirst().orElseThrow();
    }
}
