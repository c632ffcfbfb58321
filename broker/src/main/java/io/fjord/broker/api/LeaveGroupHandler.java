package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.LeaveRequest;
import io.fjord.coordinator.LeaveResult;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers LeaveGroup (API 13, v0-5) through the {@link GroupCoordinator}. v0-2 name one member and answer with one
 * error (the group's, else that member's); v3+ name a batch of members (static ones by group.instance.id) and answer
 * the group's error plus one error per member, as Kafka. Thread-safe.
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<LeaveGroupResponse> handle(RequestContext context, LeaveGroupRequest request) {
        short version = context.apiVersion();
        List<LeaveRequest.Member> members = new ArrayList<>();
        if (version < 3) {
            members.add(new LeaveRequest.Member(request.memberId(), null));
        } else {
            for (LeaveGroupRequest.MemberIdentity m : request.members()) {
                members.add(new LeaveRequest.Member(m.memberId(), m.groupInstanceId()));
            }
        }
        return coordinator.leaveGroup(new LeaveRequest(request.groupId(), members))
                .thenApply(result -> response(result, version));
    }

    private static LeaveGroupResponse response(LeaveResult result, short version) {
        if (version < 3) {
            ErrorCode error = result.error();
            if (error == ErrorCode.NONE && !result.members().isEmpty()) {
                error = result.members().get(0).error();
            }
            return new LeaveGroupResponse().setErrorCode(error.code());
        }
        List<LeaveGroupResponse.MemberResponse> members = new ArrayList<>();
        for (LeaveResult.MemberResult m : result.members()) {
            members.add(new LeaveGroupResponse.MemberResponse().setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId()).setErrorCode(m.error().code()));
        }
        return new LeaveGroupResponse().setErrorCode(result.error().code()).setMembers(members);
    }

    @Override
    public LeaveGroupResponse errorResponse(LeaveGroupRequest request, ErrorCode error) {
        return new LeaveGroupResponse().setErrorCode(error.code()).setMembers(List.of());
    }
}
