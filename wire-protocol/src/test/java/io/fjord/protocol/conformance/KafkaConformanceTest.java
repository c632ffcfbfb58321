package io.fjord.protocol.conformance;

import io.fjord.codegen.ApiSpec;
import io.fjord.codegen.MessageSpec;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ApiMessages;
import org.apache.kafka.common.message.ApiMessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conformance against kafka-clients, the oracle: for every API with a schema, every version both sides
 * know, request and response, and both directions:
 * <ul>
 *   <li>kafka to ours: a kafka-clients message with random populated fields is serialized by kafka-clients;
 *       we decode it to field-by-field equal values and re-encode the identical bytes;</li>
 *   <li>ours to kafka: one of our messages with random fields is encoded by us; kafka-clients decodes it to
 *       equal values and re-serializes the identical bytes.</li>
 * </ul>
 * System properties: {@code conformance.apis} (comma-separated API names, to check a few) and
 * {@code conformance.samples} (random messages per case, default 6).
 */
class KafkaConformanceTest {
    private static final int SAMPLES = Integer.getInteger("conformance.samples", 6);
    private static final Set<String> ONLY = System.getProperty("conformance.apis", "").isBlank()
            ? Set.of() : Set.of(System.getProperty("conformance.apis").split(","));
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger MESSAGES = new AtomicInteger();

    @AfterAll
    static void report() {
        System.out.println("Kafka conformance: checked " + CASES.get() + " (api, version, message, direction) cases with "
                + MESSAGES.get() + " random messages against kafka-clients");
    }

    @TestFactory
    List<DynamicNode> everyApiVersionAndDirectionMatchesKafkaClients() {
        List<DynamicNode> apis = new ArrayList<>();
        for (ApiSpec api : Schemas.all()) {
            if (!ONLY.isEmpty() && !ONLY.contains(api.name())) {
                continue;
            }
            ApiMessageType kafkaType = ApiMessageType.fromApiKey((short) api.apiKey());
            int low = Math.max(api.valid().low(), kafkaType.lowestSupportedVersion());
            int high = Math.min(api.valid().high(), kafkaType.highestSupportedVersion(true));
            List<DynamicNode> cases = new ArrayList<>();
            for (int v = low; v <= high; v++) {
                short version = (short) v;
                for (boolean request : new boolean[] {true, false}) {
                    String kind = request ? "request" : "response";
                    cases.add(DynamicTest.dynamicTest(api.name() + " " + kind + " v" + v + " kafka->ours",
                            () -> kafkaToOurs(api, kafkaType, request, version)));
                    cases.add(DynamicTest.dynamicTest(api.name() + " " + kind + " v" + v + " ours->kafka",
                            () -> oursToKafka(api, kafkaType, request, version)));
                }
            }
            apis.add(DynamicContainer.dynamicContainer(api.name(), cases));
        }
        return apis;
    }

    private static void kafkaToOurs(ApiSpec api, ApiMessageType kafkaType, boolean request, short version) {
        MessageSpec spec = request ? api.request() : api.response();
        for (int sample = 0; sample < SAMPLES; sample++) {
            long seed = seed(api, request, version, sample);
            org.apache.kafka.common.protocol.ApiMessage built = request ? kafkaType.newRequest() : kafkaType.newResponse();
            new KafkaMessages(new RandomValues(seed)).populate(built, version, 0);
            byte[] bytes = KafkaMessages.serialize(built, version);
            org.apache.kafka.common.protocol.ApiMessage canonical =
                    KafkaMessages.parse(request ? kafkaType.newRequest() : kafkaType.newResponse(), bytes, version);

            ApiMessage ours = OurMessages.decode(newOurs(api, request), bytes, version);
            String context = context(api, request, version, seed, bytes);
            assertEquals(List.of(), MessageComparison.differences(spec, ours, canonical), context);
            assertEquals(bytes.length, ours.size(version), "size() " + context);
            assertArrayEquals(bytes, OurMessages.encode(ours, version), "re-encoded bytes " + context);
            MESSAGES.incrementAndGet();
        }
        CASES.incrementAndGet();
    }

    private static void oursToKafka(ApiSpec api, ApiMessageType kafkaType, boolean request, short version) {
        MessageSpec spec = request ? api.request() : api.response();
        for (int sample = 0; sample < SAMPLES; sample++) {
            long seed = ~seed(api, request, version, sample);
            ApiMessage ours = newOurs(api, request);
            new OurMessages(seed).populate(ours, api, spec, version);
            byte[] bytes = OurMessages.encode(ours, version);
            String context = context(api, request, version, seed, bytes);
            assertEquals(bytes.length, ours.size(version), "size() " + context);

            org.apache.kafka.common.protocol.ApiMessage kafka;
            try {
                kafka = KafkaMessages.parse(request ? kafkaType.newRequest() : kafkaType.newResponse(), bytes, version);
            } catch (RuntimeException e) {
                throw new AssertionError("kafka-clients cannot read our bytes: " + e + " " + context, e);
            }
            assertEquals(List.of(), MessageComparison.differences(spec, ours, kafka), context);
            assertArrayEquals(bytes, KafkaMessages.serialize(kafka, version), "kafka re-serialized differently " + context);
            assertTrue(ours.equals(OurMessages.decode(newOurs(api, request), bytes, version)), "decode(encode(m)) == m " + context);
            MESSAGES.incrementAndGet();
        }
        CASES.incrementAndGet();
    }

    private static ApiMessage newOurs(ApiSpec api, boolean request) {
        return request ? ApiMessages.newRequest(api.apiKey()) : ApiMessages.newResponse(api.apiKey());
    }

    private static long seed(ApiSpec api, boolean request, short version, int sample) {
        return Arrays.hashCode(new int[] {api.apiKey(), request ? 1 : 0, version, sample});
    }

    private static String context(ApiSpec api, boolean request, short version, long seed, byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        return api.name() + (request ? " request" : " response") + " v" + version + " seed " + seed
                + " bytes " + (hex.length() > 400 ? hex.substring(0, 400) + "..." : hex);
    }
}
