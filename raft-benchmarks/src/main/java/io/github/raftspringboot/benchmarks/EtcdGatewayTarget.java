package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * etcd's v3 JSON gateway on three members: {@code /v3/kv/put}, {@code /v3/kv/range} (linearizable by default,
 * {@code serializable: true} for the member's own copy) and {@code /v3/kv/txn}. Keys and values are base64.
 */
final class EtcdGatewayTarget implements BenchmarkTarget {

    /** Puts per pre-loading transaction: below etcd's default {@code --max-txn-ops} of 128. */
    private static final int PRELOAD_BATCH = 100;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpCalls http;

    private final List<URI> members;

    private final List<Long> pids;

    EtcdGatewayTarget(HttpCalls http, List<URI> members, List<Long> pids) {
        this.http = http;
        this.members = List.copyOf(members);
        this.pids = List.copyOf(pids);
    }

    @Override
    public String name() {
        return "etcd";
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
        String value = base64(Payloads.value(valueSize));
        URI txn = members.get(0).resolve("/v3/kv/txn");
        for (int start = 0; start < readSetSize; start += PRELOAD_BATCH) {
            StringBuilder body = new StringBuilder("{\"success\":[");
            for (int i = start; i < Math.min(readSetSize, start + PRELOAD_BATCH); i++) {
                body.append(i == start ? "" : ",").append("{\"request_put\":")
                    .append(putBody(base64(Payloads.readKey(i)), value)).append('}');
            }
            http.postJson(txn, body.append("]}").toString());
        }
        http.postJson(members.get(0).resolve("/v3/kv/put"), putBody(base64(Payloads.CAS_KEY), value));
    }

    @Override
    public ClientOperation operation(Workload workload, int client, int readSetSize) {
        URI member = members.get(client % members.size());
        URI put = member.resolve("/v3/kv/put");
        URI range = member.resolve("/v3/kv/range");
        String value = base64(Payloads.value(workload.valueSize()));
        int putKeys = workload.putKeySpace();
        switch (workload.kind()) {
            case PUT:
                return () -> put(put, base64(Payloads.putKey(workload.valueSize(), random(putKeys))), value);
            case GET_LINEARIZABLE:
                return () -> range(range, base64(Payloads.readKey(random(readSetSize))), false);
            case GET_LOCAL:
                return () -> range(range, base64(Payloads.readKey(random(readSetSize))), true);
            case MIXED_90_10:
                return () -> ThreadLocalRandom.current().nextInt(10) == 0
                        ? put(put, base64(Payloads.readKey(random(readSetSize))), value)
                        : range(range, base64(Payloads.readKey(random(readSetSize))), false);
            case CAS:
                return () -> compareAndSet(range, member.resolve("/v3/kv/txn"), base64(Payloads.CAS_KEY), value);
            default:
                throw new IllegalArgumentException("Unknown workload kind " + workload.kind());
        }
    }

    private boolean put(URI uri, String key, String value) throws Exception {
        String answer = http.postJson(uri, putBody(key, value));
        if (!answer.contains("\"header\"")) {
            throw new RequestFailedException("POST /v3/kv/put answered 200 without a header: " + answer);
        }
        return true;
    }

    private boolean range(URI uri, String key, boolean serializable) throws Exception {
        String body = "{\"key\":\"" + key + "\"" + (serializable ? ",\"serializable\":true}" : "}");
        String answer = http.postJson(uri, body);
        if (!answer.contains("\"kvs\"")) {
            throw new RequestFailedException("POST /v3/kv/range found no value: the read set is missing: " + answer);
        }
        return true;
    }

    /** Reads the key's revision, then writes only if it is unchanged: the usual etcd optimistic update. */
    private boolean compareAndSet(URI range, URI txn, String key, String value) throws Exception {
        JsonNode current = JSON.readTree(http.postJson(range, "{\"key\":\"" + key + "\"}")).path("kvs").path(0);
        String revision = current.path("mod_revision").asString("0");
        String answer = http.postJson(txn, "{\"compare\":[{\"target\":\"MOD\",\"result\":\"EQUAL\",\"key\":\"" + key
                + "\",\"mod_revision\":\"" + revision + "\"}],\"success\":[{\"request_put\":" + putBody(key, value)
                + "}]}");
        return JSON.readTree(answer).path("succeeded").asBoolean(false);
    }

    private static String putBody(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
