package io.github.raftspringboot.autoconfigure;

import org.springframework.util.unit.DataSize;

/**
 * Limits on what a store request may carry; larger requests are refused before they reach the log
 * ({@code raft.limits.*}; a group of {@link RaftProperties}).
 */
public class RaftLimitsProperties {

    /** Longest key, in UTF-8 bytes. */
    private DataSize maxKeySize = DataSize.ofBytes(1024);

    /** Largest value, as serialised JSON in UTF-8 bytes. */
    private DataSize maxValueSize = DataSize.ofMegabytes(1);

    /** Largest single log entry (a whole multi-key put included). */
    private DataSize maxEntrySize = DataSize.ofMegabytes(4);

    /**
     * How many recent changes the store keeps for watches that start from a past revision (whole revisions are
     * dropped, oldest first; it is part of every snapshot).
     */
    private int watchHistory = 10_000;

    /** The most the watch history may weigh (about the JSON size of its changes); the oldest revisions go first. */
    private DataSize watchHistorySize = DataSize.ofMegabytes(64);

    public DataSize getWatchHistorySize() {
        return watchHistorySize;
    }

    public void setWatchHistorySize(DataSize watchHistorySize) {
        this.watchHistorySize = watchHistorySize;
    }

    public int getWatchHistory() {
        return watchHistory;
    }

    public void setWatchHistory(int watchHistory) {
        this.watchHistory = watchHistory;
    }

    public DataSize getMaxKeySize() {
        return maxKeySize;
    }

    public void setMaxKeySize(DataSize maxKeySize) {
        this.maxKeySize = maxKeySize;
    }

    public DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public DataSize getMaxEntrySize() {
        return maxEntrySize;
    }

    public void setMaxEntrySize(DataSize maxEntrySize) {
        this.maxEntrySize = maxEntrySize;
    }
}
