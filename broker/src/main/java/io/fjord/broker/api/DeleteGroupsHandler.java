package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DeleteGroups (API 42, v0-2) through the {@link GroupCoordinator}: one result per group named (a name given
 * twice is answered once, as Kafka), NONE once the group's tombstones (group and offsets) are written,
 * GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP while it has members, coordinator errors otherwise.
 * Thread-safe.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponse> handle(RequestContext context, DeleteGroupsRequest request) {
        List<String> names = request.groupsNames().stream().distinct().toList();
        return coordinator.deleteGroups(names).thenApply(errors -> {
            List<DeleteGroupsResponse.DeletableGroupResult> results = new ArrayList<>();
            for (String name : names) {
                ErrorCode error = errors.getOrDefault(name, ErrorCode.UNKNOWN_SERVER_ERROR);
                results.add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(name).setErrorCode(error.code()));
            }
            return new DeleteGroupsResponse().setResults(results);
        });
    }

    @Override
    public DeleteGroupsResponse errorResponse(DeleteGroupsRequest request, ErrorCode error) {
        List<DeleteGroupsResponse.DeletableGroupResult> results = new ArrayList<>();
        for (String name : request.groupsNames().stream().distinct().toList()) {
            results.add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(name).setErrorCode(error.code()));
        }
        return new DeleteGroupsResponse().setResults(results);
    }
}
