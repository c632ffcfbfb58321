package io.fjord.broker.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One listener: {@code NAME://host:port} as in Kafka's {@code listeners} and {@code advertised.listeners}.
 * An empty host means every interface; port 0 means an ephemeral port. Listener names are upper case.
 * Immutable.
 */
public record Endpoint(String listenerName, String host, int port) {

    /** Parses a comma-separated listener list; each entry and name must be valid and names unique. */
    public static List<Endpoint> parseList(String key, String value) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Endpoint endpoint = parse(key, trimmed);
            if (!names.add(endpoint.listenerName())) {
                throw ConfigException.invalid(key, value, "listener name " + endpoint.listenerName() + " appears twice");
            }
            endpoints.add(endpoint);
        }
        return List.copyOf(endpoints);
    }

    static Endpoint parse(String key, String entry) {
        int sep = entry.indexOf("://");
        int colon = entry.lastIndexOf(':');
        if (sep <= 0 || colon <= sep + 2) {
            throw ConfigException.invalid(key, entry, "expected NAME://host:port");
        }
        String name = entry.substring(0, sep).toUpperCase(Locale.ROOT);
        String host = entry.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = HostPort.parsePort(key, entry, entry.substring(colon + 1));
        return new Endpoint(name, host, port);
    }

    @Override
    public String toString() {
        return listenerName + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
