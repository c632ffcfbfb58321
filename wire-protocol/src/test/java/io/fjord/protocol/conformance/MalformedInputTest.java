package io.fjord.protocol.conformance;

import com.sun.management.ThreadMXBean;
import io.fjord.codegen.ApiSpec;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ProtocolDecodeException;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.message.ApiMessages;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad input to every generated decoder: every strict prefix of a valid encoding, random byte mutations
 * of valid encodings (including lengths and counts set to huge or negative values) and pure random bytes.
 * Each either decodes or throws {@link ProtocolDecodeException}: never another exception, an endless
 * loop, or an allocation out of proportion to the input (measured per decode with the JVM's per-thread
 * allocation counter).
 */
class MalformedInputTest {
    private static final int MUTATIONS_PER_CASE = 40;
    private static final long ALLOCATION_BUDGET = 512 * 1024;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicLong DECODES = new AtomicLong();

    @AfterAll
    static void report() {
        System.out.println("Malformed input: " + DECODES.get() + " decodes of truncated, mutated and random bytes");
    }

    @TestFactory
    @Timeout(300)
    List<DynamicTest> everyDecoderRejectsBadBytesWithOneTypedException() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ApiSpec api : Schemas.all()) {
            tests.add(DynamicTest.dynamicTest(api.name(), () -> {
                for (int v = api.valid().low(); v <= api.valid().high(); v++) {
                    for (boolean request : new boolean[] {true, false}) {
                        fuzz(api, request, (short) v);
                    }
                }
            }));
        }
        return tests;
    }

    private static void fuzz(ApiSpec api, boolean request, short version) {
        Random random = new Random(Arrays.hashCode(new int[] {api.apiKey(), version, request ? 1 : 0}));
        ApiMessage valid = newMessage(api, request);
        new OurMessages(random.nextLong()).populate(valid, api, request ? api.request() : api.response(), version);
        byte[] bytes = OurMessages.encode(valid, version);
        String what = api.name() + (request ? " request v" : " response v") + version;

        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] prefix = Arrays.copyOf(bytes, cut);
            assertThrows(ProtocolDecodeException.class, () -> decode(api, request, version, prefix), what + " cut at " + cut);
            DECODES.incrementAndGet();
        }
        for (int i = 0; i < MUTATIONS_PER_CASE; i++) {
            decodeOrReject(api, request, version, mutate(bytes, random), what);
        }
        byte[] noise = new byte[random.nextInt(64)];
        random.nextBytes(noise);
        decodeOrReject(api, request, version, noise, what + " random bytes");
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        byte[] copy = bytes.clone();
        if (copy.length == 0) {
            return new byte[] {(byte) random.nextInt()};
        }
        int at = random.nextInt(copy.length);
        switch (random.nextInt(4)) {
            case 0 -> copy[at] = (byte) random.nextInt();
            case 1 -> copy[at] = (byte) 0xff;
            case 2 -> {
                byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
                System.arraycopy(huge, 0, copy, at, Math.min(huge.length, copy.length - at));
            }
            default -> {
                byte[] varint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f};
                System.arraycopy(varint, 0, copy, at, Math.min(varint.length, copy.length - at));
            }
        }
        return copy;
    }

    private static void decodeOrReject(ApiSpec api, boolean request, short version, byte[] input, String what) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            decode(api, request, version, input);
        } catch (ProtocolDecodeException expected) {
            // the one acceptable failure
        } catch (RuntimeException | Error e) {
            fail(what + ": " + e + " for input " + java.util.HexFormat.of().formatHex(input), e);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < ALLOCATION_BUDGET + 64L * input.length,
                what + " allocated " + allocated + " bytes decoding " + input.length + " bytes");
        DECODES.incrementAndGet();
    }

    private static void decode(ApiSpec api, boolean request, short version, byte[] input) {
        newMessage(api, request).read(new ProtocolReader(Unpooled.wrappedBuffer(input)), version);
    }

    private static ApiMessage newMessage(ApiSpec api, boolean request) {
        return request ? ApiMessages.newRequest(api.apiKey()) : ApiMessages.newResponse(api.apiKey());
    }
}
