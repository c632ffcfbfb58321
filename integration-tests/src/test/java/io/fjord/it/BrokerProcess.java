package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code bin/broker} process for black-box tests: a single node (broker and controller) on free
 * loopback ports, with its own data directory under {@code dir}, started with {@code --override}s.
 *
 * <p>The ports (client, controller, HTTP) and directories are chosen once, so {@link #start()} after
 * {@link #stop()} or {@link #kill()} restarts the same node on the same data. stdout and stderr of every run
 * are appended to {@code dir/broker.out} and {@code dir/broker.err} and quoted in failure messages.
 * bin/broker execs java, so the process's pid is the broker JVM's: {@link #kill()} SIGKILLs that JVM (and
 * any child the script may still be running, such as a first-run build).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class BrokerProcess implements AutoCloseable {
    static final Path HOME = Path.of(System.getProperty("fjord.home", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = HOME.resolve("bin/broker");
    private static final long START_TIMEOUT_MS = 90_000;

    private final Path dir;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final int port;
    private final int httpPort;
    private Process process;

    private BrokerProcess(Path dir, List<String> arguments, Map<String, String> environment, int port, int httpPort) {
        this.dir = dir;
        this.arguments = arguments;
        this.environment = environment;
        this.port = port;
        this.httpPort = httpPort;
    }

    /**
     * A node on fresh free ports with data in {@code dir/data}, offsets.topic.replication.factor=1 and
     * group.initial.rebalance.delay.ms=0; {@code overrides} ({@code key=value}) come after the helper's own, so they
     * win. Not started yet.
     */
    static BrokerProcess create(Path dir, String... overrides) throws IOException {
        return create(dir, Map.of(), overrides);
    }

    /** {@link #create(Path, String...)} with extra environment variables for bin/broker (e.g. {@code JMX_PORT}). */
    static BrokerProcess create(Path dir, Map<String, String> environment, String... overrides) throws IOException {
        int port = freePort();
        int controllerPort = freePort();
        int httpPort = freePort();
        List<String> arguments = new ArrayList<>();
        for (String override : List.of(
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "log.dirs=" + dir.resolve("data"),
                "http.listener=127.0.0.1:" + httpPort,
                "offsets.topic.replication.factor=1",
                "group.initial.rebalance.delay.ms=0")) {
            arguments.add("--override");
            arguments.add(override);
        }
        for (String override : overrides) {
            arguments.add("--override");
            arguments.add(override);
        }
        return new BrokerProcess(dir, List.copyOf(arguments), Map.copyOf(environment), port, httpPort);
    }

    /** {@link #create} and {@link #start()}. */
    static BrokerProcess started(Path dir, String... overrides) throws Exception {
        BrokerProcess broker = create(dir, overrides);
        broker.start();
        return broker;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs {@code bin/broker} with exactly {@code args}, in {@code dir}, output captured as above. */
    static Process launch(Path dir, List<String> args) throws IOException {
        return launch(dir, args, Map.of());
    }

    /** {@link #launch(Path, List)} with extra {@code environment} variables. */
    static Process launch(Path dir, List<String> args, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(args);
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.err").toFile()));
        builder.environment().put("KAFKA_HEAP_OPTS", "-Xmx256m");
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Starts the node and waits until it listens and its Metadata lists itself as a broker. */
    void start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        process = launch(dir, arguments, environment);
        awaitReady();
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try (RawConnection connection = new RawConnection(port)) {
                if (!metadata(connection).brokers().isEmpty()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // not listening or not answering yet
            }
            if (!process.isAlive()) {
                throw new AssertionError("bin/broker exited with " + process.exitValue() + " before serving port "
                        + port + "\n" + output());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("bin/broker did not serve Metadata on port " + port + " within "
                        + START_TIMEOUT_MS + " ms\n" + output());
            }
            Thread.sleep(100);
        }
    }

    private static MetadataResponse metadata(RawConnection connection) throws IOException {
        short version = 12;
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, "broker-process", 1);
        MetadataRequest request = new MetadataRequest(new MetadataRequestData().setTopics(List.of())
                .setAllowAutoTopicCreation(false), version);
        connection.sendFrame(request.serializeWithHeader(header));
        return (MetadataResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("bin/broker did not stop within 60 s of SIGTERM\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL to the broker JVM (no shutdown hook runs), then waits for it to be gone. */
    void kill() throws Exception {
        String command = process.info().command().orElse("");
        if (!command.endsWith("java")) {
            throw new AssertionError("pid " + process.pid() + " is not the broker JVM but " + command);
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("bin/broker survived SIGKILL");
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    int port() {
        return port;
    }

    /** The port of the node's http.listener (/health, /metrics). */
    int httpPort() {
        return httpPort;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** Everything the node wrote to stderr so far, over all runs. */
    String stderr() {
        return read(dir.resolve("broker.err"));
    }

    /** stdout and stderr so far, for failure messages. */
    String output() {
        return "--- broker.out\n" + read(dir.resolve("broker.out")) + "--- broker.err\n" + read(dir.resolve("broker.err"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
