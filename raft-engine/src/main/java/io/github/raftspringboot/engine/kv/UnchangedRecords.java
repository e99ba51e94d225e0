package io.github.raftspringboot.engine.kv;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The new state of a restore as it is read: a key whose record is the same in the state being replaced gets that
 * state's record and key objects, so that while both states are live (until the restore swaps them) the heap holds
 * one copy of what did not change. Records are immutable and the current state is only read (on the apply thread,
 * which alone changes it), so sharing is safe. Both are in key order (snapshots are written in it): one pass over the
 * current state finds the matches; a snapshot out of order is still read exactly, it only shares less. A key put
 * twice is refused.
 */
final class UnchangedRecords {

    private final Iterator<Map.Entry<String, KeyRecord>> current;

    private final Map<String, KeyRecord> entries;

    private Map.Entry<String, KeyRecord> next;

    UnchangedRecords(NavigableMap<String, KeyRecord> current, Map<String, KeyRecord> entries) {
        this.current = current.entrySet().iterator();
        this.entries = entries;
        this.next = this.current.hasNext() ? this.current.next() : null;
    }

    void put(String key, KeyRecord record) {
        while (next != null && next.getKey().compareTo(key) < 0) {
            next = current.hasNext() ? current.next() : null;
        }
        boolean unchanged = next != null && next.getKey().equals(key) && next.getValue().equals(record);
        KeyRecord previous = unchanged ? entries.put(next.getKey(), next.getValue()) : entries.put(key, record);
        if (previous != null) {
            throw new IllegalArgumentException("the key '" + key + "' appears twice in the entries section");
        }
    }
}
