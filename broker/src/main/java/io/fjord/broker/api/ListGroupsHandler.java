package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.GroupListing;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers ListGroups (API 16, v0-5) from the {@link GroupCoordinator}: the groups of the {@code __consumer_offsets}
 * partitions loaded here, with their protocol type; v4+ filter by state and answer it, v5+ filter by type and answer
 * it ("classic"); empty filters match every group. While a partition is still loading the answer is
 * COORDINATOR_LOAD_IN_PROGRESS with no groups (the client retries), as Kafka. Thread-safe; answers at once.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ListGroupsResponse> handle(RequestContext context, ListGroupsRequest request) {
        short version = context.apiVersion();
        List<String> states = version >= 4 ? request.statesFilter() : List.of();
        List<String> types = version >= 5 ? request.typesFilter() : List.of();
        if (coordinator.isLoadInProgress()) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS));
        }
        List<ListGroupsResponse.ListedGroup> groups = new ArrayList<>();
        for (GroupListing g : coordinator.listGroups(new HashSet<>(states), new HashSet<>(types))) {
            groups.add(new ListGroupsResponse.ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
                    .setGroupState(g.state()).setGroupType(g.groupType()));
        }
        return CompletableFuture.completedFuture(new ListGroupsResponse().setErrorCode(ErrorCode.NONE.code())
                .setGroups(groups));
    }

    @Override
    public ListGroupsResponse errorResponse(ListGroupsRequest request, ErrorCode error) {
        return new ListGroupsResponse().setErrorCode(error.code()).setGroups(List.of());
    }
}
