package io.fjord.broker.http;

import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMetricName;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthHandlerTest {
    private final AtomicReference<HealthHandler.Status> status = new AtomicReference<>(HealthHandler.Status.STARTING);
    private final EmbeddedChannel channel = new EmbeddedChannel(new HealthHandler(status::get, 7));

    private record Answer(int code, String body, boolean keepAlive) {
    }

    private Answer request(HttpMethod method, String uri) {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
        FullHttpResponse response = channel.readOutbound();
        try {
            return new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8).trim(),
                    !"close".equals(response.headers().get(HttpHeaderNames.CONNECTION)));
        } finally {
            response.release();
        }
    }

    @Test
    void whileStartingOnlyLivenessIsHealthy() {
        assertEquals(new Answer(503, "{\"status\":\"starting\",\"node\":7}", true), request(HttpMethod.GET, "/health"));
        assertEquals(503, request(HttpMethod.GET, "/health/ready").code());
        assertEquals(new Answer(200, "{\"status\":\"starting\",\"node\":7}", true), request(HttpMethod.GET, "/health/live"));
    }

    @Test
    void aReadyBrokerAnswers200OnEveryHealthPath() {
        status.set(HealthHandler.Status.READY);
        for (String path : new String[] {"/health", "/health/ready", "/health/live", "/health?verbose=1"}) {
            assertEquals(new Answer(200, "{\"status\":\"ready\",\"node\":7}", true), request(HttpMethod.GET, path), path);
        }
    }

    @Test
    void aStoppingBrokerIsNeitherReadyNorLive() {
        status.set(HealthHandler.Status.STOPPING);
        assertEquals(503, request(HttpMethod.GET, "/health").code());
        assertEquals(503, request(HttpMethod.GET, "/health/ready").code());
        assertEquals(new Answer(503, "{\"status\":\"stopping\",\"node\":7}", true), request(HttpMethod.GET, "/health/live"));
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() {
        status.set(HealthHandler.Status.READY);
        assertEquals(404, request(HttpMethod.GET, "/").code());
        assertEquals(404, request(HttpMethod.GET, "/metrics/other").code());
        assertEquals(404, request(HttpMethod.GET, "/health/other").code());
        assertEquals(405, request(HttpMethod.POST, "/health").code());
    }

    @Test
    void metricsAnswersThePrometheusScrapeWithItsContentTypeInEveryState() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            metrics.meter(KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t"),
                    "messages").mark(3);
            EmbeddedChannel scraped = new EmbeddedChannel(new HealthHandler(status::get, 7, metrics));
            scraped.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
            FullHttpResponse response = scraped.readOutbound();
            try {
                assertEquals(200, response.status().code());
                assertEquals(BrokerMetrics.PROMETHEUS_CONTENT_TYPE, response.headers().get(HttpHeaderNames.CONTENT_TYPE));
                String body = response.content().toString(StandardCharsets.UTF_8);
                assertTrue(body.contains("kafka_server_brokertopicmetrics_messagesin_total{topic=\"t\"} 3.0"), body);
                assertEquals(response.content().readableBytes(),
                        response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            } finally {
                response.release();
                scraped.finishAndReleaseAll();
            }
        }
    }

    @Test
    void metricsIsAnEmptyBodyWhenMetricsAreDisabled() {
        try (BrokerMetrics metrics = BrokerMetrics.create(false, false)) {
            EmbeddedChannel scraped = new EmbeddedChannel(new HealthHandler(status::get, 7, metrics));
            scraped.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
            FullHttpResponse response = scraped.readOutbound();
            try {
                assertEquals(200, response.status().code());
                assertEquals(0, response.content().readableBytes());
            } finally {
                response.release();
                scraped.finishAndReleaseAll();
            }
        }
    }

    @Test
    void headAnswersTheStatusWithoutABody() {
        status.set(HealthHandler.Status.READY);
        Answer answer = request(HttpMethod.HEAD, "/health");
        assertEquals(200, answer.code());
        assertTrue(answer.body().isEmpty());
    }

    @Test
    void aConnectionCloseRequestClosesAfterTheAnswer() {
        status.set(HealthHandler.Status.READY);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        request.headers().set(HttpHeaderNames.CONNECTION, "close");
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        response.release();
        assertEquals(200, response.status().code());
        assertFalse(channel.isOpen());
    }
}
