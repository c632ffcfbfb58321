package io.fjord.broker.config;

/** A {@code host:port} pair, as in our {@code http.listener} and the voters of controller.quorum.voters. Immutable. */
public record HostPort(String host, int port) {

    public static HostPort parse(String key, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw ConfigException.invalid(key, value, "expected host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, parsePort(key, value, value.substring(colon + 1)));
    }

    static int parsePort(String key, String value, String port) {
        try {
            int p = Integer.parseInt(port.trim());
            if (p < 0 || p > 65535) {
                throw ConfigException.invalid(key, value, "port must be between 0 and 65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, "port '" + port + "' is not a number");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
