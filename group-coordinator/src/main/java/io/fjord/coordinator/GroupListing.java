package io.fjord.coordinator;

/**
 * One group as ListGroups shows it: its protocol type ("consumer", or "" for groups only used for offsets), its
 * state name and its type ("classic"). Immutable.
 */
public record GroupListing(String groupId, String protocolType, String state, String groupType) {
}
