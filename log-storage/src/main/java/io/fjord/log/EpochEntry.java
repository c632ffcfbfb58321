package io.fjord.log;

/**
 * Leader epoch {@code epoch} began at offset {@code startOffset}: the first batch written under that leader.
 * In the leader-epoch-checkpoint file it is the line {@code epoch startOffset}, e.g. {@code 7 10543}.
 */
public record EpochEntry(int epoch, long startOffset) {

    /** The leader-epoch-checkpoint line format; negative numbers are rejected. */
    static final CheckpointFile.EntryFormat<EpochEntry> FORMAT = new CheckpointFile.EntryFormat<>() {
        @Override
        public String format(EpochEntry entry) {
            return entry.epoch + " " + entry.startOffset;
        }

        @Override
        public EpochEntry parse(String line) {
            String[] fields = line.split(" ", -1);
            if (fields.length != 2) {
                throw new IllegalArgumentException("expected 'epoch startOffset'");
            }
            EpochEntry entry = new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
            if (entry.epoch < 0 || entry.startOffset < 0) {
                throw new IllegalArgumentException("epoch and start offset must not be negative");
            }
            return entry;
        }
    };
}
