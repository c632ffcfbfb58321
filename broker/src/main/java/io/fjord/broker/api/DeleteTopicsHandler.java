package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.QuorumController;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsResponse.DeletableTopicResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DeleteTopics (API 20, v1-6) through the {@link QuorumController}: by name (v1-5 topicNames, v6
 * topics with a name) and by id (v6 topics with a non-zero id). Each topic on its own: unknown name
 * UNKNOWN_TOPIC_OR_PARTITION, unknown id UNKNOWN_TOPIC_ID, a topic named twice INVALID_REQUEST, and (v6)
 * an entry with both or neither of name and id INVALID_REQUEST. All removals are one log entry.
 *
 * <p>Thread-safe; the future completes on the controller's thread once applied.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final BrokerMetadata metadata;

    public DeleteTopicsHandler(BrokerMetadata metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponse> handle(RequestContext context, DeleteTopicsRequest request) {
        List<String> names = new ArrayList<>();
        List<Uuid> ids = new ArrayList<>();
        List<DeletableTopicResult> invalid = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            for (DeleteTopicsRequest.DeleteTopicState t : request.topics()) {
                boolean hasId = t.topicId() != null && !Uuid.ZERO.equals(t.topicId());
                if (t.name() != null && hasId) {
                    invalid.add(invalid(t.name(), t.topicId(), "You may not specify both topic name and topic id."));
                } else if (t.name() != null) {
                    names.add(t.name());
                } else if (hasId) {
                    ids.add(t.topicId());
                } else {
                    invalid.add(invalid(null, Uuid.ZERO, "A topic needs a name or a topic id."));
                }
            }
        } else {
            names.addAll(request.topicNames());
        }
        return metadata.controller().deleteTopics(names, ids).thenApply(outcomes -> {
            List<DeletableTopicResult> results = new ArrayList<>(invalid);
            for (QuorumController.DeleteTopicOutcome o : outcomes) {
                DeletableTopicResult r = new DeletableTopicResult().setName(o.name())
                        .setTopicId(o.topicId() == null ? Uuid.ZERO : o.topicId());
                if (o.error() == null) {
                    r.setErrorCode(ErrorCode.NONE.code());
                } else {
                    r.setErrorCode(o.error().errorCode().code()).setErrorMessage(o.error().getMessage());
                }
                results.add(r);
            }
            return new DeleteTopicsResponse().setResponses(results);
        });
    }

    private static DeletableTopicResult invalid(String name, Uuid id, String message) {
        return new DeletableTopicResult().setName(name).setTopicId(id)
                .setErrorCode(ErrorCode.INVALID_REQUEST.code()).setErrorMessage(message);
    }

    @Override
    public DeleteTopicsResponse errorResponse(DeleteTopicsRequest request, ErrorCode error) {
        List<DeletableTopicResult> results = new ArrayList<>();
        if (request.topics() != null) {
            for (DeleteTopicsRequest.DeleteTopicState t : request.topics()) {
                results.add(new DeletableTopicResult().setName(t.name())
                        .setTopicId(t.topicId() == null ? Uuid.ZERO : t.topicId()).setErrorCode(error.code()));
            }
        }
        if (request.topicNames() != null) {
            for (String n : request.topicNames()) {
                results.add(new DeletableTopicResult().setName(n).setErrorCode(error.code()));
            }
        }
        return new DeleteTopicsResponse().setResponses(results);
    }
}
