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
import java.util.concurrent.CompletableFuture;

/**
 * Answers FindCoordinator (API 10, v0-6): v0-3 one key (v0 always a group), v4+ a batch of keys, each answered on
 * its own. A group's coordinator is the leader of its {@code __consumer_offsets} partition, named by its endpoint
 * on the listener the request came in on. While {@code __consumer_offsets} does not exist the first lookup asks the
 * controller to create it and the answer is COORDINATOR_NOT_AVAILABLE (the client retries, as with Kafka); so is a
 * partition without a leader or a leader without an endpoint on this listener. Transaction and share coordinators
 * are not served: COORDINATOR_NOT_AVAILABLE with a message saying so. An unknown key type fails the request with
 * INVALID_REQUEST. Error messages on v1+ follow Kafka ("NONE" on success). Thread-safe; answers at once.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;
    static final byte SHARE = 2;

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
                coordinators.add(lookup(image, keyType, key, context.listenerName()));
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
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.");
        }
        PartitionImage partition = groups.partitionOf(image, key == null ? "" : key);
        BrokerRegistration leader = partition == null ? null : image.brokers().get(partition.leader());
        MetadataRecord.Endpoint endpoint = leader == null ? null : MetadataHandler.endpoint(leader, listenerName);
        if (endpoint == null) {
            return error(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.");
        }
        return new Coordinator().setKey(key).setNodeId(leader.id()).setHost(endpoint.host()).setPort(endpoint.port())
                .setErrorCode(ErrorCode.NONE.code()).setErrorMessage(ErrorCode.NONE.name());
    }

    private static Coordinator error(String key, ErrorCode error, String message) {
        return new Coordinator().setKey(key == null ? "" : key).setNodeId(-1).setHost("").setPort(-1)
                .setErrorCode(error.code()).setErrorMessage(message);
    }

    @Override
    public FindCoordinatorResponse errorResponse(FindCoordinatorRequest request, ErrorCode error) {
        FindCoordinatorResponse response = new FindCoordinatorResponse().setErrorCode(error.code())
                .setErrorMessage(error.name()).setNodeId(-1).setHost("").setPort(-1);
        List<Coordinator> coordinators = new ArrayList<>();
        for (String key : request.coordinatorKeys()) {
            coordinators.add(error(key, error, error.name()));
        }
        return response.setCoordinators(coordinators);
    }
}
