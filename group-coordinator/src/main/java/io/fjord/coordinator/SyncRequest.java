package io.fjord.coordinator;

import java.util.HashMap;
import java.util.Map;

/**
 * A SyncGroup call, independent of the wire version. {@code assignments} (member id to assignment) is only
 * non-empty from the leader; {@code protocolType}/{@code protocolName} are null before v5. Immutable.
 */
public record SyncRequest(String groupId, int generationId, String memberId, String groupInstanceId,
                               String protocolType, String protocolName, Map<String, byte[]> assignments) {
    public SyncRequest {
        assignments = Map.copyOf(new HashMap<>(assignments));
    }
}
