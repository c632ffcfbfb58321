package io.fjord.benchmarks;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry point of one broker child process of {@link MetricsOverheadHarness}:
 * {@code HarnessBroker <log-dir> <port-file> <metrics.enabled> <partitions>}.
 *
 * <p>Starts a single-node broker (broker and controller roles, ephemeral ports) whose configuration depends
 * only on these arguments, so two children differ in nothing but metrics.enabled. Segments are 64 MiB and a
 * partition keeps at most 128 MiB, so a long run on /dev/shm stays small. Once the PLAINTEXT listener is
 * bound, writes its port to the port file (written aside and moved into place, so the parent never reads a
 * partial number), then serves until standard input reaches end of file (the parent closed it, or died),
 * closes the broker and exits 0. Runs on its main thread; the broker has its own threads.
 */
public final class HarnessBroker {
    private HarnessBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: HarnessBroker <log-dir> <port-file> <metrics.enabled> <partitions>");
            System.exit(2);
        }
        Path logDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        boolean metrics = Boolean.parseBoolean(args[2]);
        int partitions = Integer.parseInt(args[3]);
        try (BrokerServer server = new BrokerServer(BrokerConfig.fromMap(config(logDir, metrics, partitions)))) {
            server.start();
            Path written = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(written, String.valueOf(server.boundPort("PLAINTEXT")), StandardCharsets.US_ASCII);
            Files.move(written, portFile, StandardCopyOption.ATOMIC_MOVE);
            while (System.in.read() != -1) {
                // the parent never writes; end of file is the signal to stop
            }
        }
        System.exit(0);
    }

    static Map<String, String> config(Path logDir, boolean metrics, int partitions) throws IOException {
        int controllerPort = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://localhost:0,CONTROLLER://localhost:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("log.dirs", logDir.toString());
        props.put("http.listener", "localhost:0");
        props.put("offsets.topic.replication.factor", "1");
        props.put("num.partitions", String.valueOf(partitions));
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        props.put("log.retention.bytes", String.valueOf(128L * 1024 * 1024));
        props.put("log.retention.check.interval.ms", "2000");
        props.put("metrics.enabled", String.valueOf(metrics));
        return props;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
