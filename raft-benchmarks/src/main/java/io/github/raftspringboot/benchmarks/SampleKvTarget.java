package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app's HTTP API (docs/http-api.md) on three nodes: {@code POST /key}, {@code GET /key/k}, and for
 * compare-and-set {@code GET /key/k?meta=true} then {@code POST /txn}.
 */
final class SampleKvTarget implements BenchmarkTarget {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Keys per {@code POST /key} while pre-loading: one log entry each, far below the entry size limit. */
    private static final int PRELOAD_BATCH = 500;

    private final HttpCalls http;

    private final List<URI> members;

    private final List<Long> pids;

    SampleKvTarget(HttpCalls http, List<URI> members, List<Long> pids) {
        this.http = http;
        this.members = List.copyOf(members);
        this.pids = List.copyOf(pids);
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
    public String unsupportedReason(Workload workload) {
        return null;
    }

    @Override
    public void preload(int readSetSize, int valueSize) throws Exception {
        String value = Payloads.value(valueSize);
        for (int start = 0; start < readSetSize; start += PRELOAD_BATCH) {
            StringBuilder body = new StringBuilder("{");
            for (int i = start; i < Math.min(readSetSize, start + PRELOAD_BATCH); i++) {
                body.append(i == start ? "" : ",").append('"').append(Payloads.readKey(i)).append("\":\"")
                    .append(value).append('"');
            }
            http.postJson(members.get(0).resolve("/key"), body.append('}').toString());
        }
        put(members.get(0).resolve("/key"), Payloads.CAS_KEY, value);
    }

    @Override
    public ClientOperation operation(Workload workload, int client, int readSetSize) {
        URI member = members.get(client % members.size());
        URI putUri = member.resolve("/key");
        String value = Payloads.value(workload.valueSize());
        int putKeys = workload.putKeySpace();
        switch (workload.kind()) {
            case PUT:
                return () -> put(putUri, Payloads.putKey(workload.valueSize(), random(putKeys)), value);
            case GET_LINEARIZABLE:
                return () -> get(member, Payloads.readKey(random(readSetSize)), "");
            case GET_LOCAL:
                return () -> get(member, Payloads.readKey(random(readSetSize)), "?consistency=local");
            case MIXED_90_10:
                return () -> ThreadLocalRandom.current().nextInt(10) == 0
                        ? put(putUri, Payloads.readKey(random(readSetSize)), value)
                        : get(member, Payloads.readKey(random(readSetSize)), "");
            case CAS:
                return () -> compareAndSet(member, Payloads.CAS_KEY, value);
            default:
                throw new IllegalArgumentException("Unknown workload kind " + workload.kind());
        }
    }

    private boolean put(URI uri, String key, String value) throws Exception {
        String answer = http.postJson(uri, "{\"" + key + "\":\"" + value + "\"}");
        if (!answer.contains("\"index\"")) {
            throw new RequestFailedException("POST /key answered 200 without an index: " + answer);
        }
        return true;
    }

    private boolean get(URI member, String key, String query) throws Exception {
        String answer = http.get(member.resolve("/key/" + key + query));
        if (answer.equals("null")) {
            throw new RequestFailedException("GET /key/" + key + query + " found no value: the read set is missing");
        }
        return true;
    }

    /**
     * Reads the key's modRevision (linearizable), then a transaction that writes only if it is unchanged: the same
     * optimistic update as etcd's range, then txn comparing {@code mod_revision}.
     */
    private boolean compareAndSet(URI member, String key, String value) throws Exception {
        JsonNode current = JSON.readTree(http.get(member.resolve("/key/" + key + "?meta=true")));
        if (!current.path("modRevision").canConvertToLong() || current.path("modRevision").asLong() == 0) {
            throw new RequestFailedException("GET /key/" + key + "?meta=true found no value: the CAS key is missing: "
                    + current);
        }
        String answer = http.postJson(member.resolve("/txn"), "{\"compare\":[{\"key\":\"" + key
                + "\",\"modRevision\":" + current.path("modRevision").asLong() + "}],\"success\":[{\"put\":{\""
                + key + "\":\"" + value + "\"}}]}");
        JsonNode succeeded = JSON.readTree(answer).path("succeeded");
        if (!succeeded.isBoolean()) {
            throw new RequestFailedException("POST /txn answered 200 without \"succeeded\": " + answer);
        }
        return succeeded.asBoolean();
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
