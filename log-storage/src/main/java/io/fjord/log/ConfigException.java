package io.fjord.log;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/** A config value that is missing, malformed or out of range; the message names the key. */
public class ConfigException extends ApiException {
    private final String key;

    public ConfigException(String key, Object value, String problem) {
        super(ErrorCode.INVALID_CONFIG, "Invalid value " + value + " for configuration " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
