package io.fjord.broker.network;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.RequestContext;
import io.fjord.broker.api.RequestDispatcher;
import io.fjord.broker.api.ScriptedApiVersionsHandler;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMetricName;
import io.fjord.metrics.RequestMetrics;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestStatsTest {

    private static long count(BrokerMetrics metrics, String name, String... tags) {
        return metrics.meter(KafkaMetricName.of("kafka.network", "RequestMetrics", name, tags), "requests").count();
    }

    @Test
    void anAnsweredRequestIsCountedByVersionTimedAndItsErrorCodeCounted() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
            ApiHandlerRegistry registry = new ApiHandlerRegistry().register(new ScriptedApiVersionsHandler(() -> answer));
            RequestStats stats = new RequestStats(metrics, registry);
            EmbeddedChannel channel = new EmbeddedChannel(new ConnectionSequencer(new RequestDispatcher(registry), stats));
            RequestContext context = new RequestContext(new RequestHeader((short) 18, (short) 3, 1, "c"), null, "PLAINTEXT");

            channel.writeInbound(new Request(context, new ApiVersionsRequest(), Unpooled.buffer(1)));
            answer.complete(new ApiVersionsResponse().setErrorCode(ErrorCode.UNSUPPORTED_VERSION.code()));
            channel.runPendingTasks();
            Response response = channel.readOutbound();
            assertEquals(1, response.correlationId());

            RequestMetrics apiVersions = stats.of((short) 18);
            assertEquals(1, count(metrics, "RequestsPerSec", "request", "ApiVersions", "version", "3"));
            assertEquals(1, count(metrics, "ErrorsPerSec", "request", "ApiVersions", "error", "UNSUPPORTED_VERSION"));
            assertEquals(0, count(metrics, "ErrorsPerSec", "request", "ApiVersions", "error", "NONE"));
            for (var timer : List.of(apiVersions.totalTime(), apiVersions.requestQueueTime(), apiVersions.localTime(),
                    apiVersions.remoteTime(), apiVersions.responseSendTime())) {
                assertEquals(1, timer.count());
            }
            assertTrue(context.times().dispatched() >= context.times().received());
            assertTrue(context.times().answered() >= context.times().dispatched());
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void everyErrorCodeOfAProduceResponseIsCountedNoneIncluded() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics produce = new RequestMetrics(metrics, "Produce", 13);
            ProduceResponse response = new ProduceResponse().setResponses(List.of(
                    new ProduceResponse.TopicProduceResponse().setName("a").setPartitionResponses(List.of(
                            new ProduceResponse.PartitionProduceResponse().setIndex(0).setErrorCode((short) 0),
                            new ProduceResponse.PartitionProduceResponse().setIndex(1).setErrorCode((short) 0),
                            new ProduceResponse.PartitionProduceResponse().setIndex(2)
                                    .setErrorCode(ErrorCode.NOT_LEADER_OR_FOLLOWER.code())))));

            ResponseErrors.count(response, produce);

            assertEquals(2, count(metrics, "ErrorsPerSec", "request", "Produce", "error", "NONE"));
            assertEquals(1, count(metrics, "ErrorsPerSec", "request", "Produce", "error", "NOT_LEADER_OR_FOLLOWER"));
        }
    }

    @Test
    void otherResponsesAreWalkedForErrorCodesAtEveryDepth() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            RequestMetrics metadata = new RequestMetrics(metrics, "Metadata", 13);
            MetadataResponse response = new MetadataResponse().setTopics(List.of(
                    new MetadataResponse.MetadataResponseTopic().setName("t").setErrorCode((short) 0)
                            .setPartitions(List.of(
                                    new MetadataResponse.MetadataResponsePartition().setPartitionIndex(0)
                                            .setErrorCode(ErrorCode.LEADER_NOT_AVAILABLE.code()))),
                    new MetadataResponse.MetadataResponseTopic().setName("u")
                            .setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code())));

            ResponseErrors.count(response, metadata);

            assertEquals(2, count(metrics, "ErrorsPerSec", "request", "Metadata", "error", "NONE"),
                    "the top-level error_code and topic t's");
            assertEquals(1, count(metrics, "ErrorsPerSec", "request", "Metadata", "error", "LEADER_NOT_AVAILABLE"));
            assertEquals(1, count(metrics, "ErrorsPerSec", "request", "Metadata", "error", "UNKNOWN_TOPIC_OR_PARTITION"));
        }
    }

    @Test
    void disabledStatsRecordNothing() {
        try (BrokerMetrics metrics = BrokerMetrics.create(false, false)) {
            ApiHandlerRegistry registry = new ApiHandlerRegistry()
                    .register(new ScriptedApiVersionsHandler(() -> CompletableFuture.completedFuture(new ApiVersionsResponse())));
            assertEquals(null, new RequestStats(metrics, registry).of((short) 18));
        }
    }

    @Test
    void aPausedRecordingCountsNothingUntilResumed() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            ApiHandlerRegistry registry = new ApiHandlerRegistry()
                    .register(new ScriptedApiVersionsHandler(() -> CompletableFuture.completedFuture(new ApiVersionsResponse())));
            RequestStats stats = new RequestStats(metrics, registry);
            EmbeddedChannel channel = new EmbeddedChannel(new ConnectionSequencer(new RequestDispatcher(registry), stats));

            metrics.pauseRecording();
            sendApiVersions(channel, 1);
            metrics.resumeRecording();
            sendApiVersions(channel, 2);

            assertEquals(1, stats.of((short) 18).totalTime().count());
            assertEquals(1, count(metrics, "RequestsPerSec", "request", "ApiVersions", "version", "3"));
            assertEquals(1, count(metrics, "ErrorsPerSec", "request", "ApiVersions", "error", "NONE"));
            channel.finishAndReleaseAll();
        }
    }

    private static void sendApiVersions(EmbeddedChannel channel, int correlationId) {
        RequestContext context = new RequestContext(new RequestHeader((short) 18, (short) 3, correlationId, "c"), null,
                "PLAINTEXT");
        channel.writeInbound(new Request(context, new ApiVersionsRequest(), Unpooled.buffer(1)));
        channel.runPendingTasks();
        Response response = channel.readOutbound();
        assertEquals(correlationId, response.correlationId());
    }
}
