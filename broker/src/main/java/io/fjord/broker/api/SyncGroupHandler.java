package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.SyncRequest;
import io.fjord.coordinator.SyncResult;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers SyncGroup (API 14, v0-5) through the {@link GroupCoordinator}: the leader hands in every member's
 * assignment, each member gets its own once the leader's assignment is stored; the answer waits for that. v3+ carry
 * group.instance.id; v5+ the protocol type and name, which must match the group's (INCONSISTENT_GROUP_PROTOCOL)
 * and are echoed back. Thread-safe.
 */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {
    private static final byte[] NO_ASSIGNMENT = new byte[0];

    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<SyncGroupResponse> handle(RequestContext context, SyncGroupRequest request) {
        short version = context.apiVersion();
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequest.Assignment a : request.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        SyncRequest sync = new SyncRequest(request.groupId(), request.generationId(), request.memberId(),
                version >= 3 ? request.groupInstanceId() : null, version >= 5 ? request.protocolType() : null,
                version >= 5 ? request.protocolName() : null, assignments);
        return coordinator.syncGroup(sync).thenApply(SyncGroupHandler::response);
    }

    private static SyncGroupResponse response(SyncResult result) {
        return new SyncGroupResponse().setErrorCode(result.error().code()).setProtocolType(result.protocolType())
                .setProtocolName(result.protocolName())
                .setAssignment(result.assignment() == null ? NO_ASSIGNMENT : result.assignment());
    }

    @Override
    public SyncGroupResponse errorResponse(SyncGroupRequest request, ErrorCode error) {
        return new SyncGroupResponse().setErrorCode(error.code()).setProtocolType(null).setProtocolName(null)
                .setAssignment(NO_ASSIGNMENT);
    }
}
