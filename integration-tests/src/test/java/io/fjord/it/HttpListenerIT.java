package io.fjord.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP listener (http.listener) of a full in-process node, asked with the JDK's HTTP client. */
@Timeout(120)
class HttpListenerIT {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(port, path, "GET");
    }

    private HttpResponse<String> send(int port, String path, String method) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServingBrokerIsHealthyLiveAndReadyServesMetricsAndAnswers404ForOtherPaths() throws Exception {
        int port;
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of("http.listener", "127.0.0.1:0"))) {
            port = broker.server().httpPort();
            for (String path : List.of("/health", "/health/live", "/health/ready")) {
                HttpResponse<String> response = get(port, path);
                assertEquals(200, response.statusCode(), path);
                assertEquals("{\"status\":\"ready\",\"node\":1}", response.body().trim(), path);
                assertEquals("application/json", response.headers().firstValue("content-type").orElse(""), path);
            }
            HttpResponse<String> metrics = get(port, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    metrics.headers().firstValue("content-type").orElse(""));
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), metrics.body());
            assertEquals(404, get(port, "/").statusCode());
            assertEquals(405, send(port, "/health", "DELETE").statusCode());
        }
        int closedPort = port;
        IOException refused = assertThrows(IOException.class, () -> get(closedPort, "/health"));
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException
                || refused.getMessage() != null, refused.toString());
    }

    @Test
    void readinessIsUnavailableUntilTheBrokerHasStarted() throws Exception {
        int port = InProcessBroker.freePort();
        CompletableFuture<InProcessBroker> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return InProcessBroker.start(dir, Map.of("http.listener", "127.0.0.1:" + port));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> answers = new ArrayList<>();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                boolean started = starting.isDone();
                try {
                    HttpResponse<String> response = get(port, "/health/ready");
                    answers.add(response.statusCode() + " " + response.body().trim());
                    if (response.statusCode() == 200) {
                        break;
                    }
                    assertTrue(!started, "still not ready after start() returned: " + answers);
                } catch (ConnectException notYetBound) {
                    Thread.sleep(2);
                }
            }
            assertEquals("200 {\"status\":\"ready\",\"node\":1}", answers.get(answers.size() - 1));
            for (String early : answers.subList(0, answers.size() - 1)) {
                assertEquals("503 {\"status\":\"starting\",\"node\":1}", early);
            }
        } finally {
            starting.join().close();
        }
    }
}
