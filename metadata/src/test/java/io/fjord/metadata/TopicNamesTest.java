package io.fjord.metadata;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a b", "a/b", "ä", "foo!", "tab\t"})
    void illegalNamesAreInvalidTopic(String name) {
        ApiException e = assertThrows(ApiException.class, () -> TopicNames.validate(name));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, e.errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "...", "foo.bar_baz-1", "__consumer_offsets", "ABC09"})
    void legalNamesPass(String name) {
        assertDoesNotThrow(() -> TopicNames.validate(name));
    }

    @org.junit.jupiter.api.Test
    void nameOf249CharactersIsTheLongestAllowed() {
        assertDoesNotThrow(() -> TopicNames.validate("x".repeat(249)));
        assertThrows(ApiException.class, () -> TopicNames.validate("x".repeat(250)));
    }
}
