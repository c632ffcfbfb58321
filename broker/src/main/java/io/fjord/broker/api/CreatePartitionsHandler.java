package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.CreatePartitionsRequest;
import io.fjord.protocol.message.CreatePartitionsRequest.CreatePartitionsTopic;
import io.fjord.protocol.message.CreatePartitionsResponse;
import io.fjord.protocol.message.CreatePartitionsResponse.CreatePartitionsTopicResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Answers CreatePartitions (API 37, v0-3) through the {@link io.fjord.metadata.QuorumController}: each
 * topic on its own (unknown UNKNOWN_TOPIC_OR_PARTITION, a count not above the current one
 * INVALID_PARTITIONS, too few brokers INVALID_REPLICATION_FACTOR, a topic named twice INVALID_REQUEST,
 * assignments whose size is not the number of new partitions INVALID_REPLICA_ASSIGNMENT); validateOnly
 * checks without writing. Placement of new partitions is the controller's.
 *
 * <p>Thread-safe; the future completes once every topic's outcome is known.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final BrokerMetadata metadata;

    public CreatePartitionsHandler(BrokerMetadata metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponse> handle(RequestContext context, CreatePartitionsRequest request) {
        Map<String, Integer> counts = new HashMap<>();
        request.topics().forEach(t -> counts.merge(t.name(), 1, Integer::sum));
        List<CompletableFuture<CreatePartitionsTopicResult>> futures = new ArrayList<>();
        for (CreatePartitionsTopic t : request.topics()) {
            if (counts.get(t.name()) > 1) {
                futures.add(CompletableFuture.completedFuture(result(t.name(),
                        new ApiException(ErrorCode.INVALID_REQUEST, "Duplicate topic in request."))));
                continue;
            }
            var topic = metadata.image().topic(t.name());
            if (topic != null && t.assignments() != null && t.count() > topic.partitionCount()
                    && t.assignments().size() != t.count() - topic.partitionCount()) {
                futures.add(CompletableFuture.completedFuture(result(t.name(), new ApiException(
                        ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + (t.count() - topic.partitionCount())
                        + " additional partition(s), but only " + t.assignments().size()
                        + " assignment(s) were specified."))));
                continue;
            }
            futures.add(metadata.controller().createPartitions(t.name(), t.count(), request.validateOnly())
                    .handle((ok, failure) -> result(t.name(), failure)));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<CreatePartitionsTopicResult> results = new ArrayList<>();
            futures.forEach(f -> results.add(f.join()));
            return new CreatePartitionsResponse().setResults(results);
        });
    }

    private static CreatePartitionsTopicResult result(String name, Throwable failure) {
        CreatePartitionsTopicResult r = new CreatePartitionsTopicResult().setName(name);
        if (failure == null) {
            return r.setErrorCode(ErrorCode.NONE.code()).setErrorMessage(null);
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ErrorCode code = ErrorCode.forException(cause);
        return r.setErrorCode(code.code()).setErrorMessage(cause.getMessage());
    }

    @Override
    public CreatePartitionsResponse errorResponse(CreatePartitionsRequest request, ErrorCode error) {
        List<CreatePartitionsTopicResult> results = new ArrayList<>();
        for (CreatePartitionsTopic t : request.topics()) {
            results.add(new CreatePartitionsTopicResult().setName(t.name()).setErrorCode(error.code()));
        }
        return new CreatePartitionsResponse().setResults(results);
    }
}
