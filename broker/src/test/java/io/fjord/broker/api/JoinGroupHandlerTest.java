package io.fjord.broker.api;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.GroupCoordinatorConfig;
import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JoinGroup's error answer is Kafka's: no member id, no leader, generation -1, protocol name null from v7. */
class JoinGroupHandlerTest {
    private final MockTime time = new MockTime();
    private final JoinGroupHandler handler = new JoinGroupHandler(
            new GroupCoordinator(GroupCoordinatorConfig.DEFAULTS, time, new MockScheduler(time)));
    private final JoinGroupRequest request = new JoinGroupRequest().setGroupId("g").setMemberId("member-1");

    @Test
    void errorAnswerFromV7HasANullProtocolNameAndNoMemberId() {
        JoinGroupResponse response = (JoinGroupResponse) handler.errorResponse(request, ErrorCode.NOT_COORDINATOR,
                (short) 7);

        assertEquals(ErrorCode.NOT_COORDINATOR.code(), response.errorCode());
        assertNull(response.protocolName());
        assertEquals("", response.memberId());
        assertEquals("", response.leader());
        assertEquals(-1, response.generationId());
        assertTrue(response.members().isEmpty());
    }

    @Test
    void errorAnswerBeforeV7HasAnEmptyProtocolName() {
        JoinGroupResponse response = (JoinGroupResponse) handler.errorResponse(request, ErrorCode.NOT_COORDINATOR,
                (short) 6);

        assertEquals("", response.protocolName());
        assertEquals("", response.memberId());
    }
}
