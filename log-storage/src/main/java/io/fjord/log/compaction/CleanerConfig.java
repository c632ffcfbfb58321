package io.fjord.log.compaction;

import io.fjord.log.ConfigException;

import java.util.Map;
import java.util.function.Function;

/**
 * The broker-wide settings of the {@link LogCleaner}, under Kafka's names and defaults. Immutable.
 *
 * @param threads           log.cleaner.threads (1): cleaner threads, each cleaning one log at a time
 * @param dedupeBufferBytes log.cleaner.dedupe.buffer.size (128 MiB): memory for the key-offset maps, split evenly
 *                          between the threads (at most 2 GiB each)
 * @param loadFactor        log.cleaner.io.buffer.load.factor (0.9): how full a key-offset map may get
 * @param ioBufferBytes     log.cleaner.io.buffer.size (512 KiB): split between the threads, and each thread's half
 *                          is its read size; a batch larger than that is still read whole
 * @param backoffMs         log.cleaner.backoff.ms (15000): how long a thread waits when no log needs cleaning
 * @param enabled           log.cleaner.enable (true): whether {@link LogCleaner#startup()} starts threads at all
 */
public record CleanerConfig(int threads, long dedupeBufferBytes, double loadFactor, int ioBufferBytes, long backoffMs,
                            boolean enabled) {
    public static final CleanerConfig DEFAULT = new CleanerConfig(1, 128L * 1024 * 1024, KeyOffsetMap.DEFAULT_LOAD_FACTOR,
            512 * 1024, 15_000, true);

    public CleanerConfig {
        check("log.cleaner.threads", threads, threads >= 1, "must be at least 1");
        check("log.cleaner.dedupe.buffer.size", dedupeBufferBytes, dedupeBufferBytes > 0, "must be positive");
        check("log.cleaner.io.buffer.load.factor", loadFactor, loadFactor > 0 && loadFactor < 1, "must lie strictly between 0 and 1");
        check("log.cleaner.io.buffer.size", ioBufferBytes, ioBufferBytes >= 0, "must not be negative");
        check("log.cleaner.backoff.ms", backoffMs, backoffMs >= 0, "must not be negative");
    }

    /** The settings in {@code broker} properties, Kafka's defaults for those missing. */
    public static CleanerConfig of(Map<String, String> broker) {
        return new CleanerConfig(
                integer(broker, "log.cleaner.threads", DEFAULT.threads),
                number(broker, "log.cleaner.dedupe.buffer.size", DEFAULT.dedupeBufferBytes),
                broker.containsKey("log.cleaner.io.buffer.load.factor")
                        ? parse("log.cleaner.io.buffer.load.factor", broker, Double::parseDouble) : DEFAULT.loadFactor,
                integer(broker, "log.cleaner.io.buffer.size", DEFAULT.ioBufferBytes),
                number(broker, "log.cleaner.backoff.ms", DEFAULT.backoffMs),
                !broker.containsKey("log.cleaner.enable") || switch (broker.get("log.cleaner.enable").trim()) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ConfigException("log.cleaner.enable", broker.get("log.cleaner.enable"), "must be true or false");
                });
    }

    /** The key-offset map memory of each thread. */
    int dedupeBytesPerThread() {
        return (int) Math.min(dedupeBufferBytes / threads, Integer.MAX_VALUE);
    }

    /** How many bytes of a segment each thread reads at a time. */
    int readBytesPerThread() {
        return ioBufferBytes / threads / 2;
    }

    private static int integer(Map<String, String> broker, String key, int defaultValue) {
        long n = number(broker, key, defaultValue);
        if (n != (int) n) {
            throw new ConfigException(key, n, "out of range");
        }
        return (int) n;
    }

    private static long number(Map<String, String> broker, String key, long defaultValue) {
        return broker.containsKey(key) ? parse(key, broker, Long::parseLong) : defaultValue;
    }

    private static <T> T parse(String key, Map<String, String> broker, Function<String, T> parser) {
        try {
            return parser.apply(broker.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, broker.get(key), "not a number");
        }
    }

    private static void check(String key, Object value, boolean valid, String problem) {
        if (!valid) {
            throw new ConfigException(key, value, problem);
        }
    }
}
