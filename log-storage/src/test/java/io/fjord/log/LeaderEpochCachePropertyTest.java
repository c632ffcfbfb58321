package io.fjord.log;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cache behaves like a TreeMap of epoch to start offset under Kafka's rules, and persists every state. */
class LeaderEpochCachePropertyTest {

    enum Kind { ASSIGN, TRUNCATE_END, TRUNCATE_START, CLEAR }

    record Op(Kind kind, int epoch, long offset) {
    }

    /** Kafka's rules stated directly on a TreeMap. */
    static final class Model {
        final TreeMap<Integer, Long> epochs = new TreeMap<>();

        void apply(Op op) {
            switch (op.kind) {
                case ASSIGN -> {
                    Map.Entry<Integer, Long> last = epochs.lastEntry();
                    if (last != null && last.getKey() == op.epoch && op.offset >= last.getValue()) {
                        return;
                    }
                    epochs.entrySet().removeIf(e -> e.getKey() >= op.epoch || e.getValue() >= op.offset);
                    epochs.put(op.epoch, op.offset);
                }
                case TRUNCATE_END -> epochs.values().removeIf(start -> start >= op.offset);
                case TRUNCATE_START -> {
                    Map.Entry<Integer, Long> covering = null;
                    for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
                        if (e.getValue() <= op.offset) {
                            covering = e;
                        }
                    }
                    if (covering != null) {
                        int epoch = covering.getKey();
                        epochs.values().removeIf(start -> start <= op.offset);
                        epochs.put(epoch, op.offset);
                    }
                }
                case CLEAR -> epochs.clear();
            }
        }

        List<EpochEntry> entries() {
            List<EpochEntry> entries = new ArrayList<>();
            epochs.forEach((epoch, start) -> entries.add(new EpochEntry(epoch, start)));
            return entries;
        }

        EpochEndOffset endOffsetFor(int requested, long logEndOffset) {
            if (requested == -1 || epochs.isEmpty() || requested > epochs.lastKey()) {
                return EpochEndOffset.UNDEFINED;
            }
            if (requested == epochs.lastKey()) {
                return new EpochEndOffset(requested, logEndOffset);
            }
            Integer floor = epochs.floorKey(requested);
            return new EpochEndOffset(floor == null ? requested : floor, epochs.higherEntry(requested).getValue());
        }

        OptionalInt epochForOffset(long offset) {
            OptionalInt epoch = OptionalInt.empty();
            for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
                if (e.getValue() <= offset) {
                    epoch = OptionalInt.of(e.getKey());
                }
            }
            return epoch;
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(8, Kind.ASSIGN), Tuple.of(2, Kind.TRUNCATE_END),
                Tuple.of(2, Kind.TRUNCATE_START), Tuple.of(1, Kind.CLEAR));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 12), Arbitraries.longs().between(0, 60))
                .as(Op::new).list().ofMaxSize(40);
    }

    @Property
    void matchesTheTreeMapModelAndReloadsToTheSameState(@ForAll("ops") List<Op> ops) {
        InMemoryCheckpoint<EpochEntry> checkpoint = new InMemoryCheckpoint<>();
        LeaderEpochCache cache = new LeaderEpochCache(checkpoint);
        Model model = new Model();
        for (Op op : ops) {
            switch (op.kind) {
                case ASSIGN -> cache.assign(op.epoch, op.offset);
                case TRUNCATE_END -> cache.truncateFromEnd(op.offset);
                case TRUNCATE_START -> cache.truncateFromStart(op.offset);
                case CLEAR -> cache.clear();
            }
            model.apply(op);

            assertEquals(model.entries(), cache.entries(), () -> "after " + op);
            assertEquals(model.entries(), new LeaderEpochCache(checkpoint).entries(), () -> "reloaded after " + op);
        }
        for (int epoch = -1; epoch <= 13; epoch++) {
            assertEquals(model.endOffsetFor(epoch, 99), cache.endOffsetFor(epoch, 99), "endOffsetFor " + epoch);
        }
        for (long offset = 0; offset <= 61; offset++) {
            assertEquals(model.epochForOffset(offset), cache.epochForOffset(offset), "epochForOffset " + offset);
        }
    }
}
