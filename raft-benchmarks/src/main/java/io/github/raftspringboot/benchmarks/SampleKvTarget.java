package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app's HTTP API (docs/http-api.md) on three nodes: {@code POST /key}, {@code GET /key/k}
 * ({@code ?consistency=local} for the node's own copy), and for compare-and-set {@code GET /key/k?meta=true} then
 * {@code POST /txn}.
 */
final class SampleKvTarget extends KeyValueTarget<URI, String, String> {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Keys per {@code POST /key} while pre-loading: one log entry each, far below the entry size limit. */
    private static final int PRELOAD_BATCH = 500;

    private final HttpCalls http;

    private final List<URI> members;

    SampleKvTarget(HttpCalls http, List<URI> members, List<Long> pids) {
        super("kv", pids);
        this.http = http;
        this.members = List.copyOf(members);
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
        put(members.get(0), Payloads.CAS_KEY, value);
    }

    @Override
    URI connection(int client) {
        return members.get(client % members.size());
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
    boolean put(URI member, String key, String value) throws Exception {
        String answer = http.postJson(member.resolve("/key"), "{\"" + key + "\":\"" + value + "\"}");
        if (!answer.contains("\"index\"")) {
            throw new RequestFailedException("POST /key answered 200 without an index: " + answer);
        }
        return true;
    }

    @Override
    boolean get(URI member, String key, boolean linearizable) throws Exception {
        String query = linearizable ? "" : "?consistency=local";
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
    @Override
    boolean compareAndSet(URI member, String key, String value) throws Exception {
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
}
