package io.github.raftspringboot.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
final class StoreApiTarget implements BenchmarkTarget {

    /** Keys per {@code putAll} while pre-loading: one log entry each, as the HTTP target's batches. */
    private static final int PRELOAD_BATCH = 500;

    private final RaftKeyValueStore store;

    private final List<Long> pids;

    /**
     * @param store the in-process member's store
     * @param otherMemberPids the processes of the other members (this JVM is added)
     */
    StoreApiTarget(RaftKeyValueStore store, List<Long> otherMemberPids) {
        this.store = store;
        this.pids = Stream.concat(Stream.of(ProcessHandle.current().pid()),
                otherMemberPids.stream()).toList();
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public List<Long> serverPids() {
        return pids;
    }

    @Override
    public boolean memberInThisJvm() {
        return true;
    }

    @Override
    public String unsupportedReason(Workload workload) {
        return null;
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
    public ClientOperation operation(Workload workload, int client, int readSetSize) {
        String value = Payloads.value(workload.valueSize());
        int putKeys = workload.putKeySpace();
        switch (workload.kind()) {
            case PUT:
                return () -> put(Payloads.putKey(workload.valueSize(), random(putKeys)), value);
            case GET_LINEARIZABLE:
                return () -> get(Payloads.readKey(random(readSetSize)), ReadConsistency.LINEARIZABLE);
            case GET_LOCAL:
                return () -> get(Payloads.readKey(random(readSetSize)), ReadConsistency.LOCAL);
            case MIXED_90_10:
                return () -> ThreadLocalRandom.current().nextInt(10) == 0
                        ? put(Payloads.readKey(random(readSetSize)), value)
                        : get(Payloads.readKey(random(readSetSize)), ReadConsistency.LINEARIZABLE);
            case CAS:
                return () -> compareAndSet(Payloads.CAS_KEY, value);
            default:
                throw new IllegalArgumentException("Unknown workload kind " + workload.kind());
        }
    }

    private boolean put(String key, String value) {
        store.put(key, value);
        return true;
    }

    private boolean get(String key, ReadConsistency consistency) throws RequestFailedException {
        if (store.get(key, consistency).isEmpty()) {
            throw new RequestFailedException("get(" + key + ", " + consistency
                    + ") found no value: the read set is missing");
        }
        return true;
    }

    /** Reads the key's modRevision, then writes only if it is unchanged: the same optimistic update as on etcd. */
    private boolean compareAndSet(String key, String value) throws RequestFailedException {
        Optional<KeyValueEntry> current = store.getEntry(key, ReadConsistency.LINEARIZABLE);
        if (current.isEmpty()) {
            throw new RequestFailedException("getEntry(" + key + ") found no value: the CAS key is missing");
        }
        TxnResult result = store.txn(Txn.when(TxnCompare.modRevision(key, TxnCompare.Operator.EQUAL,
                current.get().modRevision())).then(TxnOp.put(key, value)));
        return result.succeeded();
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
