package io.fjord.codegen;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaParserTest {

    private static ApiSpec parse(String text) {
        return new SchemaParser().parse(Path.of("Test.schema"), List.of(text.split("\n")));
    }

    private static String errorOf(String text) {
        return assertThrows(SchemaException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parsesNestedStructsTaggedFieldsNullabilityAndDefaults() {
        ApiSpec api = parse("""
                api 0 Produce
                versions 0-13
                flexible 9+
                request
                  transactionalId string 3+ nullable 3+ default null
                  topicData []TopicData
                    name string 0-12
                    partitions []int32
                response
                  throttleTimeMs int32 1+
                  nodeEndpoints []NodeEndpoint 10+ tag 0
                struct NodeEndpoint
                  host string
                  rack string nullable 0+ default null
                """);
        assertEquals(0, api.apiKey());
        assertEquals(new Versions(9, Versions.OPEN), api.flexible());
        FieldSpec transactionalId = api.request().body().fields().get(0);
        assertEquals(new Versions(3, Versions.OPEN), transactionalId.versions());
        assertTrue(transactionalId.defaultsToNull());
        assertEquals(List.of("TopicData"), List.copyOf(api.request().structs().keySet()));
        FieldSpec endpoints = api.response().body().fields().get(1);
        assertEquals(0, endpoints.tag());
        assertEquals(List.of("NodeEndpoint"), List.copyOf(api.response().structs().keySet()));
    }

    @Test
    void fieldsWithoutVersionsTakeTheApisRange() {
        ApiSpec api = parse("api 1 Fetch\nversions 4-18\nrequest\n  maxWaitMs int32\nresponse\n  throttleTimeMs int32");
        assertEquals(new Versions(4, Versions.OPEN), api.request().body().fields().get(0).versions());
    }

    @Test
    void rejectsMistakesWithFileAndLine() {
        String head = "api 1 X\nversions 0-3\nflexible 2+\n";
        assertTrue(errorOf(head + "request\n  a int33\nresponse\n  b int32").contains("Test.schema:5: unknown type int33"));
        assertTrue(errorOf(head + "request\n  a int32 nullable 0+\nresponse\n  b int32").contains("cannot be nullable"));
        assertTrue(errorOf(head + "request\n  a int32 0-1 tag 0\nresponse\n  b int32").contains("tagged versions must be flexible"));
        assertTrue(errorOf(head + "request\n  a []Missing\nresponse\n  b int32").contains("unknown struct Missing"));
        assertTrue(errorOf(head + "request\n  a int32 5+\nresponse\n  b int32").contains("outside 0-3"));
        assertTrue(errorOf(head + "request\n  a int32\n  a int32\nresponse\n  b int32").contains("duplicate field name"));
        assertTrue(errorOf(head + "request\n  A int32\nresponse\n  b int32").contains("camelCase"));
        assertTrue(errorOf(head + "request\n  a string default null\nresponse\n  b int32").contains("default null needs"));
        assertTrue(errorOf("request\n  a int32").contains("'versions' must come before"));
    }

    @Test
    void versionConditionsOnlyTestWhatTheRangeNeeds() {
        Versions api = new Versions(0, 13);
        assertEquals("true", Versions.parse("0+").condition(api));
        assertEquals("version >= 3", Versions.parse("3+").condition(api));
        assertEquals("version <= 12", Versions.parse("0-12").condition(api));
        assertEquals("version >= 3 && version <= 7", Versions.parse("3-7").condition(api));
        assertEquals("version == 5", Versions.parse("5").condition(api));
        assertEquals("false", Versions.parse("none").condition(api));
    }
}
