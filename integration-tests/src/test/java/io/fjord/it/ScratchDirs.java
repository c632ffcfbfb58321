package io.fjord.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary data dirs for the broker extensions, which cannot take JUnit's {@code @TempDir}. Stateless. */
final class ScratchDirs {
    private ScratchDirs() {
    }

    static Path create() throws IOException {
        return Files.createTempDirectory("fjord-it-");
    }

    /** Deletes {@code root} and everything below it; nothing if it is null or gone. */
    static void delete(Path root) throws IOException {
        if (root == null || Files.notExists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
