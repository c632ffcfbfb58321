package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.GroupDescription;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DescribeGroups (API 15, v0-6) from the {@link GroupCoordinator}: each group's state, protocol type,
 * selected protocol and members (with their subscription and assignment). An unknown group is Dead with no members
 * and NONE on v0-5; v6 answers it GROUP_ID_NOT_FOUND with a message (KIP-1043). v3+ authorized operations only when
 * asked (no authorizer: every group operation, READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS), else
 * INT32_MIN. Thread-safe; answers at once.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    static final int GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11);
    private static final String DEAD = "Dead";

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponse> handle(RequestContext context, DescribeGroupsRequest request) {
        short version = context.apiVersion();
        int operations = version >= 3 && request.includeAuthorizedOperations() ? GROUP_OPERATIONS : Integer.MIN_VALUE;
        List<DescribeGroupsResponse.DescribedGroup> groups = new ArrayList<>();
        for (GroupDescription d : coordinator.describeGroups(request.groups())) {
            DescribeGroupsResponse.DescribedGroup group = new DescribeGroupsResponse.DescribedGroup()
                    .setGroupId(d.groupId()).setErrorCode(d.error().code())
                    .setGroupState(d.state() == null ? "" : d.state())
                    .setProtocolType(d.protocolType() == null ? "" : d.protocolType())
                    .setProtocolData(d.protocolName() == null ? "" : d.protocolName())
                    .setAuthorizedOperations(operations);
            if (version >= 6 && d.error() == ErrorCode.NONE && DEAD.equals(d.state()) && d.members().isEmpty()) {
                group.setErrorCode(ErrorCode.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + d.groupId() + " not found.");
            }
            List<DescribeGroupsResponse.DescribedGroupMember> members = new ArrayList<>();
            for (GroupDescription.Member m : d.members()) {
                members.add(new DescribeGroupsResponse.DescribedGroupMember().setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setMemberMetadata(m.metadata() == null ? new byte[0] : m.metadata())
                        .setMemberAssignment(m.assignment() == null ? new byte[0] : m.assignment()));
            }
            groups.add(group.setMembers(members));
        }
        return CompletableFuture.completedFuture(new DescribeGroupsResponse().setGroups(groups));
    }

    @Override
    public DescribeGroupsResponse errorResponse(DescribeGroupsRequest request, ErrorCode error) {
        List<DescribeGroupsResponse.DescribedGroup> groups = new ArrayList<>();
        for (String id : request.groups()) {
            groups.add(new DescribeGroupsResponse.DescribedGroup().setGroupId(id).setErrorCode(error.code())
                    .setGroupState("").setProtocolType("").setProtocolData("").setMembers(List.of()));
        }
        return new DescribeGroupsResponse().setGroups(groups);
    }
}
