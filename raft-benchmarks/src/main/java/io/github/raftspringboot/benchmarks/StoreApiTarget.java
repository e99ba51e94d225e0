package io.github.raftspringboot.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnCompare;
import io.github.raftspringboot.api.TxnOp;
import io.github.raftspringboot.api.TxnResult;

/**
 * The starter's {@link RaftKeyValueStore} of a member inside this JVM, called as an application would: blocking
 * calls from the client threads, values as Java strings (stored as JSON strings).
 */
final class StoreApiTarget extends KeyValueTarget<RaftKeyValueStore, String, String> {

    /** Keys per {@code putAll} while pre-loading: one log entry each, as the HTTP target's batches. */
    private static final int PRELOAD_BATCH = 500;

    private final RaftKeyValueStore store;

    /**
     * @param store the in-process member's store
     * @param otherMemberPids the processes of the other members (this JVM is added)
     */
    StoreApiTarget(RaftKeyValueStore store, List<Long> otherMemberPids) {
        super("kv", Stream.concat(Stream.of(ProcessHandle.current().pid()), otherMemberPids.stream()).toList());
        this.store = store;
    }

    @Override
    public boolean memberInThisJvm() {
        return true;
    }

    @Override
    public void preload(int readSetSize, int valueSize) {
        String value = Payloads.value(valueSize);
        for (int start = 0; start < readSetSize; start += PRELOAD_BATCH) {
            Map<String, String> batch = new LinkedHashMap<>();
            for (int i = start; i < Math.min(readSetSize, start + PRELOAD_BATCH); i++) {
                batch.put(Payloads.readKey(i), value);
            }
            store.putAll(batch);
        }
        store.put(Payloads.CAS_KEY, value);
    }

    @Override
    RaftKeyValueStore connection(int client) {
        return store;
    }

    @Override
    String key(String key) {
        return key;
    }

    @Override
    String value(String value) {
        return value;
    }

    @Override
    boolean put(RaftKeyValueStore store, String key, String value) {
        store.put(key, value);
        return true;
    }

    @Override
    boolean get(RaftKeyValueStore store, String key, boolean linearizable) throws RequestFailedException {
        ReadConsistency consistency = linearizable ? ReadConsistency.LINEARIZABLE : ReadConsistency.LOCAL;
        if (store.get(key, consistency).isEmpty()) {
            throw new RequestFailedException("get(" + key + ", " + consistency
                    + ") found no value: the read set is missing");
        }
        return true;
    }

    /** Reads the key's modRevision, then writes only if it is unchanged: the same optimistic update as on etcd. */
    @Override
    boolean compareAndSet(RaftKeyValueStore store, String key, String value) throws RequestFailedException {
        Optional<KeyValueEntry> current = store.getEntry(key, ReadConsistency.LINEARIZABLE);
        if (current.isEmpty()) {
            throw new RequestFailedException("getEntry(" + key + ") found no value: the CAS key is missing");
        }
        TxnResult result = store.txn(Txn.when(TxnCompare.modRevision(key, TxnCompare.Operator.EQUAL,
                current.get().modRevision())).then(TxnOp.put(key, value)));
        return result.succeeded();
    }
}
