package io.fjord.broker.config;

/**
 * A configuration that cannot be used: a missing required key or an invalid value. The message is one
 * line that names the key, fit to print as the broker's only startup error.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException invalid(String key, String value, String reason) {
        return new ConfigException("Invalid value '" + value + "' for configuration '" + key + "': " + reason);
    }

    public static ConfigException missing(String key) {
        return new ConfigException("Missing required configuration '" + key + "' which has no default value");
    }
}
