package io.fjord.protocol.conformance;

import io.fjord.codegen.ApiSpec;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ApiMessages;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** decode(encode(m)) == m for random messages of every API, version and direction. */
class MessagePropertyTest {

    record Case(ApiSpec api, short version, boolean request, long seed) {
    }

    @Provide
    Arbitrary<Case> messages() {
        return Arbitraries.of(Schemas.all()).flatMap(api -> Combinators.combine(
                Arbitraries.shorts().between((short) api.valid().low(), (short) api.valid().high()),
                Arbitraries.of(true, false),
                Arbitraries.longs()).as((version, request, seed) -> new Case(api, version, request, seed)));
    }

    @Property(tries = 2000)
    void decodeOfEncodeIsIdentity(@ForAll("messages") Case c) {
        ApiMessage original = c.request() ? ApiMessages.newRequest(c.api().apiKey()) : ApiMessages.newResponse(c.api().apiKey());
        new OurMessages(c.seed()).populate(original, c.api(), c.request() ? c.api().request() : c.api().response(), c.version());
        byte[] bytes = OurMessages.encode(original, c.version());
        assertEquals(bytes.length, original.size(c.version()));
        ApiMessage decoded = OurMessages.decode(
                c.request() ? ApiMessages.newRequest(c.api().apiKey()) : ApiMessages.newResponse(c.api().apiKey()), bytes, c.version());
        assertEquals(original, decoded);
        assertEquals(original.hashCode(), decoded.hashCode());
        assertArrayEquals(bytes, OurMessages.encode(decoded, c.version()));
    }
}
