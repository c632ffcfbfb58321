package io.fjord.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the example Spring Boot apps ({@code examples/<name>/target/<name>.jar}, built by the root build or
 * {@code mvn -f examples/pom.xml package}) run as a child JVM on a free HTTP port ({@code --server.port}) with the
 * caller's Spring properties as command-line arguments, driven over HTTP. Its stdout and stderr go to
 * {@code <name>.log} in the given directory and are quoted in failure messages.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class ExampleApp implements AutoCloseable {
    private static final Path EXAMPLES = BrokerProcess.HOME.resolve("examples");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private ExampleApp(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** The app's executable jar; fails the test, saying how to build it, when it is missing. */
    static Path jar(String name) {
        Path jar = EXAMPLES.resolve(name).resolve("target").resolve(name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: the example apps are built by the root build; run mvn verify"
                    + " from the root (or mvn -f examples/pom.xml package -DskipTests) first");
        }
        return jar;
    }

    /** Starts {@code java -jar <name>.jar --server.port=<free> <properties>}; does not wait for it. */
    static ExampleApp start(String name, Path logDir, String... properties) throws IOException {
        Path jar = jar(name);
        int port = BrokerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", jar.toString(),
                "--server.port=" + port));
        command.addAll(List.of(properties));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ExampleApp(name, port, log, process);
    }

    /** Waits until the app answers HTTP (any status) on its port, which Spring Boot opens once the context is up. */
    void awaitHttp(int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (true) {
            try {
                HTTP.send(HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before answering HTTP\n"
                        + output());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(name + " did not answer HTTP on port " + port + " within " + seconds + " s\n"
                        + output());
            }
            Thread.sleep(200);
        }
    }

    /** {@code GET path}, expecting 200; the body. */
    String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), 200);
    }

    /** {@code POST path} with a JSON body, expecting 201; the body. */
    String post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), 201);
    }

    private String send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new AssertionError(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + " (expected " + expected + "): " + response.body() + "\n" + output());
        }
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String name() {
        return name;
    }

    /** What the app printed so far, headed by its name. */
    String output() {
        try {
            return "--- " + name + " (" + log + ")\n"
                    + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM: Spring shuts down (its consumers leave their groups); {@link #close()} waits for it. */
    void stop() {
        process.destroy();
    }

    /** {@link #stop()}, up to 20 s for the exit, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
