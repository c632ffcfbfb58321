package io.fjord.log;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name of a partition's directory inside a log dir, as Kafka names them: {@code <topic>-<partition>} for a
 * live log, and {@code <topic>-<partition>.<id>-delete} (awaiting deletion), {@code -future} (a replica being
 * moved between log dirs) or {@code -stray} (a replica set aside because the cluster no longer places it here),
 * where {@code <id>} is a UUID without dashes. Topic names may contain '-' and '.': the partition is what follows
 * the last '-' of the name, or of the part before the last '.' in the suffixed forms. In the delete and stray
 * forms the topic is cut short when the whole name would exceed 255 characters. Immutable.
 */
record PartitionDirName(TopicPartition partition, Kind kind) {
    private static final int MAX_NAME_LENGTH = 255;

    enum Kind {
        LIVE(""), DELETE("-delete"), FUTURE("-future"), STRAY("-stray");

        private final String suffix;
        private final Pattern pattern;

        Kind(String suffix) {
            this.suffix = suffix;
            this.pattern = Pattern.compile("^(\\S+)-(\\S+)\\.(\\S+)" + Pattern.quote(suffix) + "$");
        }
    }

    /** @throws IllegalArgumentException {@code name} is not in one of the forms above */
    static PartitionDirName parse(String name) {
        Kind kind = Kind.LIVE;
        for (Kind suffixed : new Kind[] {Kind.DELETE, Kind.FUTURE, Kind.STRAY}) {
            if (name.endsWith(suffixed.suffix)) {
                if (!suffixed.pattern.matcher(name).matches()) {
                    throw invalid(name);
                }
                kind = suffixed;
            }
        }
        String base = kind == Kind.LIVE ? name : name.substring(0, name.lastIndexOf('.'));
        int dash = base.lastIndexOf('-');
        if (dash <= 0 || dash == base.length() - 1) {
            throw invalid(name);
        }
        try {
            return new PartitionDirName(new TopicPartition(base.substring(0, dash), Integer.parseInt(base.substring(dash + 1))), kind);
        } catch (NumberFormatException e) {
            throw invalid(name);
        }
    }

    /** A fresh name to rename the partition's directory to when its log is deleted. */
    static String forDeletion(TopicPartition partition) {
        String suffix = "-" + partition.partition() + "." + UUID.randomUUID().toString().replace("-", "") + Kind.DELETE.suffix;
        String topic = partition.topic();
        return topic.substring(0, Math.min(topic.length(), MAX_NAME_LENGTH - suffix.length())) + suffix;
    }

    private static IllegalArgumentException invalid(String name) {
        return new IllegalArgumentException("'" + name + "' is not a partition directory (topic-partition, or topic-partition.id"
                + " followed by -delete, -future or -stray); a log directory must hold only partition data");
    }
}
