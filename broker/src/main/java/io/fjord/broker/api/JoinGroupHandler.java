package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.JoinRequest;
import io.fjord.coordinator.JoinResult;
import io.fjord.coordinator.Protocol;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers JoinGroup (API 11, v0-9) through the {@link GroupCoordinator}; the answer waits for the rebalance. Version
 * rules as Kafka: v0 has no rebalance timeout (the session timeout serves as one); v4+ joins without a member id get
 * MEMBER_ID_REQUIRED with their new id and must join again (two-step join); v5+ carry group.instance.id (static
 * members); v7+ answer the protocol type; v9 members may be told to skip the assignment (static leader rejoining a
 * Stable group). Before v7 the protocol name is never null on the wire (empty instead). Member metadata goes to
 * the leader only. The client id is the request header's ("" when null), the client host the request's source address
 * ("/1.2.3.4"). Thread-safe.
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<JoinGroupResponse> handle(RequestContext context, JoinGroupRequest request) {
        short version = context.apiVersion();
        List<Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequest.Protocol p : request.protocols()) {
            protocols.add(new Protocol(p.name(), p.metadata()));
        }
        int rebalanceTimeoutMs = version == 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
        JoinRequest join = new JoinRequest(request.groupId(), request.memberId(),
                version >= 5 ? request.groupInstanceId() : null,
                context.header().clientId() == null ? "" : context.header().clientId(), context.clientHost(),
                request.sessionTimeoutMs(), rebalanceTimeoutMs, request.protocolType(), protocols, version >= 4,
                version >= 9);
        return coordinator.joinGroup(join).thenApply(result -> response(result, version));
    }

    private static JoinGroupResponse response(JoinResult result, short version) {
        List<JoinGroupResponse.Member> members = new ArrayList<>();
        for (JoinResult.Member m : result.members()) {
            members.add(new JoinGroupResponse.Member().setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata()));
        }
        String protocolName = result.protocolName();
        if (protocolName == null && version < 7) {
            protocolName = "";
        }
        return new JoinGroupResponse().setErrorCode(result.error().code()).setGenerationId(result.generationId())
                .setProtocolType(result.protocolType()).setProtocolName(protocolName)
                .setLeader(result.leaderId() == null ? "" : result.leaderId())
                .setMemberId(result.memberId() == null ? "" : result.memberId())
                .setSkipAssignment(result.skipAssignment()).setMembers(members);
    }

    /** Kafka's error answer: generation -1, member id and leader "", no members, protocol name "" (before v7). */
    @Override
    public JoinGroupResponse errorResponse(JoinGroupRequest request, ErrorCode error) {
        return new JoinGroupResponse().setErrorCode(error.code()).setGenerationId(-1).setProtocolType(null)
                .setProtocolName("").setLeader("").setMemberId("").setMembers(List.of());
    }

    /** As Kafka: from v7, where it is nullable, the protocol name of an error answer is null. */
    @Override
    public JoinGroupResponse errorResponse(JoinGroupRequest request, ErrorCode error, short version) {
        JoinGroupResponse response = errorResponse(request, error);
        return version >= 7 ? response.setProtocolName(null) : response;
    }
}
