package io.fjord.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package's {@code /usr/bin/prometheus}) scraping one target every second: a
 * generated configuration with job {@code fjord}, its TSDB in {@code dir/data}, the web API on a free loopback port,
 * output in {@code dir/prometheus.log}. {@link #query} asks the HTTP query API ({@code /api/v1/query}) for an instant
 * vector.
 *
 * <p>A missing binary fails with a message naming the install script (it is installed at pre-integration-test).
 * Not thread-safe: one test thread drives it.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    static final String INSTALL_HINT = "; integration-tests/scripts/install-test-clients.sh installs the Debian "
            + "package prometheus (Maven runs it at pre-integration-test): run it and see its output";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One series of an instant-vector answer: its labels (with {@code __name__}) and value. */
    record Sample(Map<String, String> labels, double value) {
    }

    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Fails the test when the Prometheus server binary is not installed. */
    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("the Prometheus server " + BINARY + " is not installed" + INSTALL_HINT);
        }
    }

    /** Starts Prometheus scraping {@code target} ({@code host:port}, path /metrics) every second; waits until ready. */
    static PrometheusServer start(Path dir, String target) throws Exception {
        requireInstalled();
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: fjord
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["%s"]
                """.formatted(target));
        int port = BrokerProcess.freePort();
        Process process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        PrometheusServer server = new PrometheusServer(dir, port, process);
        try {
            server.awaitReady();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + "\n" + log());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("prometheus was not ready within 30 s\n" + log());
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The instant vector {@code promql} evaluates to now; fails on an API error or a non-vector result. */
    List<Sample> query(String promql) {
        try {
            HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("query " + promql + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode data = body.path("data");
            if (!"vector".equals(data.path("resultType").asText())) {
                throw new AssertionError("query " + promql + " is not an instant vector: " + response.body());
            }
            List<Sample> samples = new ArrayList<>();
            for (JsonNode series : data.path("result")) {
                Map<String, String> labels = new LinkedHashMap<>();
                series.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(labels, Double.parseDouble(series.path("value").get(1).asText())));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The value of the single series {@code promql} selects, or NaN when it selects none (fails on several). */
    double value(String promql) {
        List<Sample> samples = query(promql);
        if (samples.size() > 1) {
            throw new AssertionError("query " + promql + " selects " + samples.size() + " series: " + samples);
        }
        return samples.isEmpty() ? Double.NaN : samples.get(0).value();
    }

    /** The value of {@code name} (no labels) in Prometheus' own /metrics, NaN when it has no such line. */
    double ownMetric(String name) {
        try {
            for (String line : get("/metrics").body().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                }
            }
            return Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What Prometheus logged so far (warnings and errors), for failure messages. */
    String log() {
        try {
            Path log = dir.resolve("prometheus.log");
            return "--- prometheus.log\n" + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
