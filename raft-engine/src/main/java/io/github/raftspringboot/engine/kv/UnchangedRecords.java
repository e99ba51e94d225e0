package io.github.raftspringboot.engine.kv;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The new state of a restore as it is read: a key whose record is the same in the state being replaced gets that
 * state's record and key objects, so that while both states are live (until the restore swaps them) the heap holds
 * one copy of what did not change. Records are immutable and the current state is only read (on the apply thread,
 * which alone changes it), so sharing is safe. Both are in key order (snapshots are written in it): one pass over the
 * current state finds the matches; a snapshot out of order is still read exactly, it only shares less. A key put
 * twice is refused.
 * <p>
 * Keys that come in order are collected in arrays and the map is built from them in one pass at the end
 * ({@link #toMap}): a skip list built from sorted entries links each node once, where a million single puts each
 * searched it from the top (a tenth of reading a 1 M-key snapshot). A key out of order moves what was collected into
 * a map, and the rest is put into it one by one.
 */
final class UnchangedRecords {

    private final Iterator<Map.Entry<String, KeyRecord>> current;

    private Map.Entry<String, KeyRecord> next;

    private String[] keys = new String[1024];

    private KeyRecord[] records = new KeyRecord[1024];

    private int size;

    /** Set once a key came out of order: every record from then on is put into it. */
    private ConcurrentSkipListMap<String, KeyRecord> unordered;

    UnchangedRecords(NavigableMap<String, KeyRecord> current) {
        this.current = current.entrySet().iterator();
        this.next = this.current.hasNext() ? this.current.next() : null;
    }

    void put(String key, KeyRecord record) {
        while (next != null && next.getKey().compareTo(key) < 0) {
            next = current.hasNext() ? current.next() : null;
        }
        boolean unchanged = next != null && next.getKey().equals(key) && next.getValue().equals(record);
        String sharedKey = unchanged ? next.getKey() : key;
        KeyRecord sharedRecord = unchanged ? next.getValue() : record;
        if (unordered == null) {
            int order = (size == 0) ? 1 : key.compareTo(keys[size - 1]);
            if (order > 0) {
                append(sharedKey, sharedRecord);
                return;
            }
            if (order == 0) {
                throw twice(key);
            }
            unordered = toMap();
        }
        if (unordered.put(sharedKey, sharedRecord) != null) {
            throw twice(key);
        }
    }

    /** The entries read, as the store keeps them. */
    ConcurrentSkipListMap<String, KeyRecord> toMap() {
        return (unordered != null) ? unordered : new ConcurrentSkipListMap<>(new Sorted(keys, records, size));
    }

    private void append(String key, KeyRecord record) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            records = Arrays.copyOf(records, size * 2);
        }
        keys[size] = key;
        records[size] = record;
        size++;
    }

    private static IllegalArgumentException twice(String key) {
        return new IllegalArgumentException("the key '" + key + "' appears twice in the entries section");
    }

    /**
     * Keys in strictly ascending order with their records, as the sorted map that
     * {@link ConcurrentSkipListMap#ConcurrentSkipListMap(SortedMap)} builds itself from: it reads only the comparator
     * and the entries in order. The rest of the sorted-map views are not needed and not offered.
     */
    private static final class Sorted extends AbstractMap<String, KeyRecord> implements SortedMap<String, KeyRecord> {

        private final String[] keys;

        private final KeyRecord[] records;

        private final int size;

        Sorted(String[] keys, KeyRecord[] records, int size) {
            this.keys = keys;
            this.records = records;
            this.size = size;
        }

        @Override
        public Comparator<? super String> comparator() {
            return null;
        }

        @Override
        public Set<Map.Entry<String, KeyRecord>> entrySet() {
            return new AbstractSet<>() {

                @Override
                public Iterator<Map.Entry<String, KeyRecord>> iterator() {
                    return new Iterator<>() {

                        private int at;

                        @Override
                        public boolean hasNext() {
                            return at < size;
                        }

                        @Override
                        public Map.Entry<String, KeyRecord> next() {
                            if (at >= size) {
                                throw new NoSuchElementException();
                            }
                            Map.Entry<String, KeyRecord> entry = new SimpleImmutableEntry<>(keys[at], records[at]);
                            at++;
                            return entry;
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }

        @Override
        public SortedMap<String, KeyRecord> subMap(String fromKey, String toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<String, KeyRecord> headMap(String toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<String, KeyRecord> tailMap(String fromKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String firstKey() {
            if (size == 0) {
                throw new NoSuchElementException();
            }
            return keys[0];
        }

        @Override
        public String lastKey() {
            if (size == 0) {
                throw new NoSuchElementException();
            }
            return keys[size - 1];
        }
    }
}
