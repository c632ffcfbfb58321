package io.fjord.metadata;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

/**
 * Kafka's topic naming rules: 1..249 characters from {@code [a-zA-Z0-9._-]}, not "." or "..". Names that
 * differ only in '.' versus '_' collide (they map to the same metric names). Stateless.
 */
public final class TopicNames {

    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** Throws INVALID_TOPIC_EXCEPTION naming the broken rule. */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid("A topic name must not be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid("A topic must not be named '" + name + "'");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid("Topic name '" + name + "' has " + name.length() + " characters, more than the "
                    + MAX_LENGTH + " allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw invalid("Topic name '" + name + "' may only contain ASCII letters, digits, '.', '_' and '-'");
            }
        }
    }

    /** The name with '.' replaced by '_': two topics with the same key collide. */
    public static String collisionKey(String name) {
        return name.replace('.', '_');
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_TOPIC_EXCEPTION, message);
    }
}
