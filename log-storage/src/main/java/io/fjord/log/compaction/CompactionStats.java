package io.fjord.log.compaction;

/**
 * Counts of what pass two of a cleaning round read and kept, for logs and metrics. Records of batches passed
 * through unread count from their headers. Records retained never exceed records read; bytes retained exceed
 * bytes read only if a rebuilt batch compresses worse than the original. Not thread-safe: one per round.
 */
public final class CompactionStats {
    private long recordsRead;
    private long bytesRead;
    private long recordsRetained;
    private long bytesRetained;
    private long tombstonesRemoved;
    private long keylessRecordsRemoved;

    void read(int records, int bytes) {
        recordsRead += records;
        bytesRead += bytes;
    }

    void retained(int records, int bytes) {
        recordsRetained += records;
        bytesRetained += bytes;
    }

    void tombstoneRemoved() {
        tombstonesRemoved++;
    }

    void keylessRecordRemoved() {
        keylessRecordsRemoved++;
    }

    public long recordsRead() {
        return recordsRead;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long recordsRetained() {
        return recordsRetained;
    }

    public long bytesRetained() {
        return bytesRetained;
    }

    /** Tombstones dropped, whether superseded by a later record of their key or past their delete horizon. */
    public long tombstonesRemoved() {
        return tombstonesRemoved;
    }

    /** Records without a key, which a compacted topic refuses at produce time and the cleaner drops. */
    public long keylessRecordsRemoved() {
        return keylessRecordsRemoved;
    }

    @Override
    public String toString() {
        return "CompactionStats(records " + recordsRetained + "/" + recordsRead + ", bytes " + bytesRetained + "/" + bytesRead
                + ", tombstonesRemoved=" + tombstonesRemoved + ", keylessRecordsRemoved=" + keylessRecordsRemoved + ")";
    }
}
