package io.fjord.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line client as a child process (a Kafka tool's main class in its own JVM, kcat, node,
 * python), feeds it stdin and collects exit code, stdout and stderr. A Kafka tool ends with
 * {@code Exit.exit}/{@code System.exit}, which is why it never runs inside the test JVM.
 *
 * <p>Stateless; safe to use from any thread.
 */
final class ExternalCommand {
    private static final long TIMEOUT_SECONDS = 60;

    private ExternalCommand() {
    }

    /** What a finished command printed and returned. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            List<String> shown = new ArrayList<>(command);
            int classPath = shown.indexOf("-cp");
            if (classPath >= 0) {
                shown.set(classPath + 1, "<test class path>");
            }
            return String.join(" ", shown) + "\nexit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * Runs {@code mainClass} from the test class path in a fresh JVM with the Kafka tools' logging (WARN
     * and above, to stderr), as {@code bin/kafka-*.sh} would.
     */
    static Result javaTool(String mainClass, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return run(command, Map.of(), stdin);
    }

    /** Runs {@code command} with extra {@code environment} variables, {@code stdin} (may be null) as input. */
    static Result run(List<String> command, Map<String, String> environment, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading all input; its output says why
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command)
                        + "\n--- stdout\n" + out.getNow("") + "--- stderr\n" + err.getNow(""));
            }
            return new Result(command, process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
