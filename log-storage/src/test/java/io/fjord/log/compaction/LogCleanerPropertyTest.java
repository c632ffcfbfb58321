package io.fjord.log.compaction;

import io.fjord.log.LogConfig;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.log.compaction.TestBatches.View;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.fjord.log.compaction.CleanerTestLogs.checkpoints;
import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.CleanerTestLogs.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random keyed appends (tombstones included) with rolls by hand and by size, cleaned now and then by a cleaner
 * whose dedupe buffer may hold only a few keys, against a reference model of everything appended. After every
 * cleaning, each record read is one appended at that offset, the latest record of every key is still there, and
 * below the cleaner checkpoint no key appears twice. Once everything is rolled and cleaned, the log holds exactly
 * the latest record of each key at its original offset, also after a crash and reopen.
 */
class LogCleanerPropertyTest {
    private static final TopicPartition PARTITION = new TopicPartition("topic", 0);

    sealed interface Step {
    }

    record Append(List<String> keysAndValues) implements Step {
    }

    record Roll() implements Step {
    }

    record Clean() implements Step {
    }

    record Scenario(int segmentBytes, int indexIntervalBytes, int dedupeKeys, List<Step> steps) {
        LogConfig config() {
            return compacted("segment.bytes", "" + segmentBytes, "index.interval.bytes", "" + indexIntervalBytes,
                    "segment.index.bytes", "1024", "min.cleanable.dirty.ratio", "0");
        }

        /** Dedupe buffer bytes whose map holds exactly {@code dedupeKeys} keys at load factor 0.9. */
        int dedupeBytes() {
            return (int) Math.ceil(dedupeKeys / 0.9) * 24;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e", "f", "g");
        Arbitrary<String> values = Arbitraries.strings().alpha().ofMaxLength(8).injectNull(0.15);
        Arbitrary<Step> append = Combinators.combine(keys, values).as((k, v) -> new String[] {k, v}).list().ofMinSize(1).ofMaxSize(4)
                .map(records -> new Append(records.stream().flatMap(r -> Stream.of(r[0], r[1])).toList()));
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(6, append),
                Tuple.of(2, Arbitraries.just(new Roll())),
                Tuple.of(2, Arbitraries.just(new Clean())));
        return Combinators.combine(Arbitraries.integers().between(150, 1500), Arbitraries.integers().between(0, 300),
                Arbitraries.integers().between(4, 40), step.list().ofMaxSize(40)).as(Scenario::new);
    }

    @Property(tries = 80)
    void cleaningKeepsTheLatestRecordOfEveryKeyAtItsOffset(@ForAll("scenarios") Scenario scenario) throws IOException {
        Path root = Files.createTempDirectory("fjord-cleaner");
        try (CleanerTestLogs logs = new CleanerTestLogs();
             LogCleaner cleaner = CleanerTestLogs.cleaner(logs.time, scenario.dedupeBytes())) {
            // given
            PartitionLog log = logs.open(root.resolve(PARTITION.toString()), scenario.config());
            cleaner.addLog(CleanableLog.of(PARTITION, log));
            Map<Long, View> appended = new HashMap<>();
            for (Step step : scenario.steps()) {
                if (step instanceof Append append) {
                    long offset = log.logEndOffset();
                    logs.append(log, append.keysAndValues().toArray(String[]::new));
                    for (int i = 0; i < append.keysAndValues().size(); i += 2, offset++) {
                        appended.put(offset, new View(offset, logs.time.milliseconds(), append.keysAndValues().get(i),
                                append.keysAndValues().get(i + 1)));
                    }
                } else if (step instanceof Roll) {
                    log.roll();
                } else {
                    cleaner.cleanOnce();
                    assertConsistent(appended, log, checkpoints(root).getOrDefault(PARTITION, 0L));
                }
            }

            // when
            log.roll();
            for (int rounds = 0; cleaner.cleanOnce(); rounds++) {
                assertTrue(rounds < 1000, "cleaning converges");
            }

            // then
            List<View> latest = latestPerKey(appended.values());
            assertEquals(latest, records(log));
            assertEquals(latest, records(logs.reopen(log, false)));
        } finally {
            deleteRecursively(root);
        }
    }

    private static void assertConsistent(Map<Long, View> appended, PartitionLog log, long checkpoint) {
        List<View> records = records(log);
        Set<String> keysBelowCheckpoint = new HashSet<>();
        for (View record : records) {
            assertEquals(appended.get(record.offset()), record, "the record at offset " + record.offset() + " is the one appended");
            if (record.offset() < checkpoint) {
                assertTrue(keysBelowCheckpoint.add(record.key()), "key " + record.key() + " appears twice below the checkpoint " + checkpoint);
            }
        }
        assertTrue(records.containsAll(latestPerKey(appended.values())), "the latest record of every key is kept");
    }

    private static List<View> latestPerKey(Iterable<View> records) {
        Map<String, View> latest = new HashMap<>();
        records.forEach(r -> latest.merge(r.key(), r, (a, b) -> a.offset() > b.offset() ? a : b));
        return latest.values().stream().sorted(Comparator.comparingLong(View::offset)).toList();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
