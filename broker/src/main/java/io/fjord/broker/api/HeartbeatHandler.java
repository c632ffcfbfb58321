package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;

import java.util.concurrent.CompletableFuture;

/**
 * Answers Heartbeat (API 12, v0-4) through the {@link GroupCoordinator}: keeps a member's session alive; errors as
 * Kafka (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID for v3+ static members, REBALANCE_IN_PROGRESS
 * telling the member to rejoin). Thread-safe.
 */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public CompletableFuture<HeartbeatResponse> handle(RequestContext context, HeartbeatRequest request) {
        String instanceId = context.apiVersion() >= 3 ? request.groupInstanceId() : null;
        return coordinator.heartbeat(request.groupId(), request.memberId(), instanceId, request.generationId())
                .thenApply(error -> new HeartbeatResponse().setErrorCode(error.code()));
    }

    @Override
    public HeartbeatResponse errorResponse(HeartbeatRequest request, ErrorCode error) {
        return new HeartbeatResponse().setErrorCode(error.code());
    }
}
