package io.fjord.log.compaction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.compaction.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyOffsetMapTest {
    record Put(byte[] key, long offset) {
    }

    @Provide
    Arbitrary<List<Put>> puts() {
        Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMaxSize(3);
        return Combinators.combine(keys, Arbitraries.longs().between(0, Long.MAX_VALUE - 1)).as(Put::new).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void getAnswersWhatAHashMapOfTheSamePutsAnswers(@ForAll("puts") List<Put> puts, @ForAll("puts") List<Put> probes) {
        // given: a table so small that most keys probe past other keys' slots
        KeyOffsetMap map = new KeyOffsetMap(24 * 400, 0.9);
        Map<String, Long> model = new HashMap<>();

        // when
        for (Put put : puts) {
            map.put(Unpooled.wrappedBuffer(put.key()), put.offset());
            model.put(HexFormat.of().formatHex(put.key()), put.offset());
        }

        // then
        assertEquals(model.size(), map.size());
        for (Put probe : concat(puts, probes)) {
            long expected = model.getOrDefault(HexFormat.of().formatHex(probe.key()), -1L);
            assertEquals(expected, map.get(Unpooled.wrappedBuffer(probe.key())));
        }
    }

    private static List<Put> concat(List<Put> a, List<Put> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void capacityIsTheLoadFactorOfTheSlotsThatFitInMemory() {
        // when
        KeyOffsetMap map = new KeyOffsetMap(24 * 1000 + 23, 0.75);

        // then
        assertEquals(750, map.maxEntries());
    }

    @Test
    void fullMapRefusesNewKeysButStillUpdatesKnownOnes() {
        // given
        KeyOffsetMap map = new KeyOffsetMap(24 * 4, 0.5);
        map.put(utf8("a"), 1);
        map.put(utf8("b"), 2);

        // when / then
        assertFalse(map.hasRoomFor(1));
        assertTrue(map.hasRoomFor(0));
        assertThrows(IllegalStateException.class, () -> map.put(utf8("c"), 3));
        map.put(utf8("a"), 7);
        assertEquals(7, map.get(utf8("a")));
        assertEquals(2, map.size());
    }

    @Test
    void keyIsTheReadableBytesWhateverTheBufferKind() {
        // given
        KeyOffsetMap map = new KeyOffsetMap(24 * 16, 0.9);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(new byte[] {9, 1, 2, 3});
        direct.skipBytes(1);
        ByteBuf sliced = Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 2, 3, 4}, 2, 3);

        // when
        map.put(direct, 42);

        // then
        assertEquals(42, map.get(sliced));
        assertEquals(-1, map.get(utf8("")));
        direct.release();
    }

    @Test
    void clearForgetsEveryKey() {
        // given
        KeyOffsetMap map = new KeyOffsetMap(24 * 16, 0.9);
        map.put(utf8("a"), 0);

        // when
        map.clear();

        // then
        assertEquals(0, map.size());
        assertEquals(-1, map.get(utf8("a")));
    }

    @Test
    void memoryTooSmallForOneKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KeyOffsetMap(24, 0.9));
    }
}
