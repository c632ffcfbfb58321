package io.fjord.broker.api;

import io.fjord.broker.group.GroupCoordinatorService;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionImage;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.FindCoordinatorResponse.Coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers FindCoordinator (API 10, v0-6): v0-3 one key (v0 always a group), v4+ a batch of keys, each answered on
 * its own. A group's coordinator is the leader of its {@code __consumer_offsets} partition, named by its endpoint
 * on the listener the request came in on. While {@code __consumer_offsets} does not exist the first lookup asks the
 * controller to create it and the answer is COORDINATOR_NOT_AVAILABLE (the client retries, as with Kafka); so is a
 * partition without a leader or a leader without an endpoint on this listener. Transaction and share coordinators
 * are not served: COORDINATOR_NOT_AVAILABLE with a message saying so. An unknown key type fails the request with
 * INVALID_REQUEST. Error messages follow Kafka: v1-3 "NONE" on success, v4+ none on success; an error carries the
 * default message of Kafka's exception for its code ({@link #message}). Thread-safe; answers at once.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;
    static final byte SHARE = 2;

    /** Kafka's default exception messages for the errors a FindCoordinator answer can carry. */
    private static final Map<ErrorCode, String> MESSAGES = Map.of(
            ErrorCode.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.",
            ErrorCode.NOT_COORDINATOR, "This is not the correct coordinator.",
            ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, "The coordinator is loading and hence can't process requests.",
            ErrorCode.INVALID_REQUEST, "This most likely occurs because of a request being malformed by the client "
                    + "library or the message was sent to an incompatible broker. See the broker logs for more details.",
            ErrorCode.UNKNOWN_SERVER_ERROR, "The server experienced an unexpected error when processing the request.",
            ErrorCode.UNSUPPORTED_VERSION, "The version of API is not supported.",
            ErrorCode.GROUP_AUTHORIZATION_FAILED, "Group authorization failed.");

    private final BrokerMetadata metadata;
    private final GroupCoordinatorService groups;

    public FindCoordinatorHandler(BrokerMetadata metadata, GroupCoordinatorService groups) {
        this.metadata = metadata;
        this.groups = groups;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponse> handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = context.apiVersion() == 0 ? GROUP : request.keyType();
        if (keyType != GROUP && keyType != TRANSACTION && keyType != SHARE) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Unknown coordinator type " + keyType);
        }
        MetadataImage image = metadata.image();
        FindCoordinatorResponse response = new FindCoordinatorResponse();
        if (context.apiVersion() < 4) {
            Coordinator c = lookup(image, keyType, request.key(), context.listenerName());
            response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
        } else {
            List<Coordinator> coordinators = new ArrayList<>();
            for (String key : request.coordinatorKeys()) {
                Coordinator c = lookup(image, keyType, key, context.listenerName());
                coordinators.add(c.errorCode() == ErrorCode.NONE.code() ? c.setErrorMessage(null) : c);
            }
            response.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator lookup(MetadataImage image, byte keyType, String key, String listenerName) {
        if (keyType == TRANSACTION) {
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "Transactions are not supported by this broker: there is no transaction coordinator.");
        }
        if (keyType == SHARE) {
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "Share groups are not supported by this broker: there is no share coordinator.");
        }
        if (!groups.offsetsTopicExists()) {
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, message(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        PartitionImage partition = groups.partitionOf(image, key == null ? "" : key);
        BrokerRegistration leader = partition == null ? null : image.brokers().get(partition.leader());
        MetadataRecord.Endpoint endpoint = leader == null ? null : MetadataHandler.endpoint(leader, listenerName);
        if (endpoint == null) {
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, message(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        return new Coordinator().setKey(key).setNodeId(leader.id()).setHost(endpoint.host()).setPort(endpoint.port())
                .setErrorCode(ErrorCode.NONE.code()).setErrorMessage(ErrorCode.NONE.name());
    }

    private static Coordinator error(String key, ErrorCode error, String message) {
        return new Coordinator().setKey(key == null ? "" : key).setNodeId(-1).setHost("").setPort(-1)
                .setErrorCode(error.code()).setErrorMessage(message);
    }

    /** The default message of Kafka's exception for {@code error} (the code's name for codes not listed). */
    static String message(ErrorCode error) {
        return MESSAGES.getOrDefault(error, error.name());
    }

    @Override
    public FindCoordinatorResponse errorResponse(FindCoordinatorRequest request, ErrorCode error) {
        FindCoordinatorResponse response = new FindCoordinatorResponse().setErrorCode(error.code())
                .setErrorMessage(message(error)).setNodeId(-1).setHost("").setPort(-1);
        List<Coordinator> coordinators = new ArrayList<>();
        for (String key : request.coordinatorKeys()) {
            coordinators.add(error(key, error, message(error)));
        }
        return response.setCoordinators(coordinators);
    }
}
