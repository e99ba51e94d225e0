package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * etcd's v3 JSON gateway on three members: {@code /v3/kv/put}, {@code /v3/kv/range} (linearizable by default,
 * {@code serializable: true} for the member's own copy) and {@code /v3/kv/txn}. Keys and values are base64.
 */
final class EtcdGatewayTarget extends KeyValueTarget<URI, String, String> {

    /** Puts per pre-loading transaction: below etcd's default {@code --max-txn-ops} of 128. */
    private static final int PRELOAD_BATCH = 100;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpCalls http;

    private final List<URI> members;

    EtcdGatewayTarget(HttpCalls http, List<URI> members, List<Long> pids) {
        super("etcd", pids);
        this.http = http;
        this.members = List.copyOf(members);
    }

    @Override
    public void preload(int readSetSize, int valueSize) throws Exception {
        String value = value(Payloads.value(valueSize));
        URI txn = members.get(0).resolve("/v3/kv/txn");
        for (int start = 0; start < readSetSize; start += PRELOAD_BATCH) {
            StringBuilder body = new StringBuilder("{\"success\":[");
            for (int i = start; i < Math.min(readSetSize, start + PRELOAD_BATCH); i++) {
                body.append(i == start ? "" : ",").append("{\"request_put\":")
                    .append(putBody(key(Payloads.readKey(i)), value)).append('}');
            }
            http.postJson(txn, body.append("]}").toString());
        }
        put(members.get(0), key(Payloads.CAS_KEY), value);
    }

    @Override
    URI connection(int client) {
        return members.get(client % members.size());
    }

    @Override
    String key(String key) {
        return base64(key);
    }

    @Override
    String value(String value) {
        return base64(value);
    }

    @Override
    boolean put(URI member, String key, String value) throws Exception {
        String answer = http.postJson(member.resolve("/v3/kv/put"), putBody(key, value));
        if (!answer.contains("\"header\"")) {
            throw new RequestFailedException("POST /v3/kv/put answered 200 without a header: " + answer);
        }
        return true;
    }

    @Override
    boolean get(URI member, String key, boolean linearizable) throws Exception {
        String body = "{\"key\":\"" + key + "\"" + (linearizable ? "}" : ",\"serializable\":true}");
        String answer = http.postJson(member.resolve("/v3/kv/range"), body);
        if (!answer.contains("\"kvs\"")) {
            throw new RequestFailedException("POST /v3/kv/range found no value: the read set is missing: " + answer);
        }
        return true;
    }

    /** Reads the key's revision, then writes only if it is unchanged: the usual etcd optimistic update. */
    @Override
    boolean compareAndSet(URI member, String key, String value) throws Exception {
        JsonNode current = JSON.readTree(http.postJson(member.resolve("/v3/kv/range"), "{\"key\":\"" + key + "\"}"))
            .path("kvs")
            .path(0);
        String revision = current.path("mod_revision").asString("0");
        String answer = http.postJson(member.resolve("/v3/kv/txn"), "{\"compare\":[{\"target\":\"MOD\","
                + "\"result\":\"EQUAL\",\"key\":\"" + key + "\",\"mod_revision\":\"" + revision
                + "\"}],\"success\":[{\"request_put\":" + putBody(key, value) + "}]}");
        return JSON.readTree(answer).path("succeeded").asBoolean(false);
    }

    private static String putBody(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
