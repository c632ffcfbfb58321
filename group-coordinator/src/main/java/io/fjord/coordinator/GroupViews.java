package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a live classic group shows in DescribeGroups and ListGroups, as Kafka shows it: only a Stable group exposes
 * its selected protocol and each member's metadata and assignment; protocol type "" for a group without one; group
 * type "classic". Stateless; reads the group under the owning {@link GroupCoordinator}'s monitor.
 */
final class GroupViews {
    private GroupViews() {
    }

    static GroupDescription describe(ClassicGroup group) {
        boolean stable = group.isInState(GroupState.STABLE);
        List<GroupDescription.Member> members = new ArrayList<>();
        for (ClassicGroupMember m : group.members()) {
            byte[] metadata = stable ? m.metadata(group.protocolName()) : null;
            members.add(new GroupDescription.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    metadata == null ? new byte[0] : metadata, stable ? m.assignment() : new byte[0]));
        }
        return new GroupDescription(group.groupId(), ErrorCode.NONE, group.state().kafkaName(), protocolType(group),
                stable ? group.protocolName() : "", members);
    }

    static GroupListing listing(ClassicGroup group) {
        return new GroupListing(group.groupId(), protocolType(group), group.state().kafkaName(), "classic");
    }

    private static String protocolType(ClassicGroup group) {
        return group.protocolType() == null ? "" : group.protocolType();
    }

    /**
     * ListGroups' filters: states by Kafka's names and types ("classic" matches every group here), both
     * case-insensitive; a null or empty filter matches every group.
     */
    record ListFilter(Set<String> states, Set<String> types) {
        ListFilter {
            states = lowerCase(states);
            types = lowerCase(types);
        }

        boolean matches(ClassicGroup group) {
            return (states.isEmpty() || states.contains(group.state().kafkaName().toLowerCase(Locale.ROOT)))
                    && (types.isEmpty() || types.contains("classic"));
        }

        private static Set<String> lowerCase(Set<String> values) {
            if (values == null) {
                return Set.of();
            }
            Set<String> lower = new HashSet<>();
            values.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
            return lower;
        }
    }
}
