package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.OperationHandle;

/**
 * One client of the fault suite: puts (unique values), linearizable gets, compare-and-sets (a one-compare
 * {@code POST /txn}, expecting the value this client last saw) and deletes on a few keys, each to a random
 * node over the sample's HTTP API, recorded for the checker. A write whose outcome is unknown (a timeout, an error
 * after the request may have been proposed) is recorded as {@code info}; one that never reached a node
 * (connection refused) as {@code fail}; a read that did not answer is dropped ({@code fail}), as reads change nothing.
 */
final class FaultClient implements Runnable {

    /** Keys rotate so that each key's history stays short enough to check quickly. */
    private static final int KEYS = 5;

    private static final int OPERATIONS_PER_KEY_GENERATION = 150;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

    private static final Duration REFUSED_BACKOFF = Duration.ofMillis(50);

    private final String name;

    private final List<NodeProcess> nodes;

    private final HistoryRecorder recorder;

    private final Stats stats;

    private final long deadline;

    private long sequence;

    /** The value this client last wrote or read per key ({@code null}: absent): what its compare-and-sets expect. */
    private final Map<String, String> lastSeen = new HashMap<>();

    FaultClient(String name, List<NodeProcess> nodes, HistoryRecorder recorder, Stats stats, long deadline) {
        this.name = name;
        this.nodes = nodes;
        this.recorder = recorder;
        this.stats = stats;
        this.deadline = deadline;
    }

    @Override
    public void run() {
        while (System.nanoTime() - deadline < 0) {
            long generation = stats.operations.incrementAndGet() / (OPERATIONS_PER_KEY_GENERATION * KEYS);
            String key = stats.phase() + "-g" + generation + "-k" + FaultSuiteIT.random(KEYS);
            NodeProcess node = nodes.get(FaultSuiteIT.random(nodes.size()));
            int choice = FaultSuiteIT.random(10);
            if (choice < 3) {
                put(node, key, name + "-" + (++sequence));
            }
            else if (choice < 7) {
                lastSeen.put(key, get(node, key, recorder, name));
            }
            else if (choice < 9) {
                compareAndSet(node, key, lastSeen.get(key), name + "-" + (++sequence));
            }
            else {
                delete(node, key);
            }
        }
    }

    private void put(NodeProcess node, String key, String value) {
        long invokedAt = System.nanoTime();
        OperationHandle handle = recorder.invoke(name, KvOperation.put(key, value));
        String body = HttpJson.JSON.createObjectNode().put(key, value).toString();
        complete(handle, send(node, HttpRequest.newBuilder(uri(node, "/key"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))), invokedAt);
    }

    /** A transaction that puts {@code value} only if the key holds {@code expected} (absent: version 0). */
    private void compareAndSet(NodeProcess node, String key, String expected, String value) {
        long invokedAt = System.nanoTime();
        OperationHandle handle = recorder.invoke(name, KvOperation.compareAndSet(key, expected, value));
        ObjectNode txn = HttpJson.JSON.createObjectNode();
        ObjectNode compare = txn.putArray("compare").addObject().put("key", key);
        if (expected == null) {
            compare.put("version", 0);
        }
        else {
            compare.put("value", expected);
        }
        txn.putArray("success").addObject().putObject("put").put(key, value);
        Answer answer = send(node, HttpRequest.newBuilder(uri(node, "/txn"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(txn.toString())));
        if (answer.status == 200) {
            boolean succeeded = HttpJson.JSON.readTree(answer.body).path("succeeded").asBoolean();
            recorder.ok(handle, succeeded);
            if (succeeded) {
                stats.ackedWrite(invokedAt);
                lastSeen.put(key, value);
            }
        }
        else {
            complete(handle, answer, invokedAt);
        }
    }

    private void delete(NodeProcess node, String key) {
        long invokedAt = System.nanoTime();
        OperationHandle handle = recorder.invoke(name, KvOperation.delete(key));
        complete(handle, send(node, HttpRequest.newBuilder(uri(node, "/key/" + encode(key))).DELETE()), invokedAt);
    }

    /** A linearizable read, recorded; returns the value read, or {@code null} when absent or not answered. */
    static String get(NodeProcess node, String key, HistoryRecorder recorder, String client) {
        OperationHandle handle = recorder.invoke(client, KvOperation.get(key));
        Answer answer = send(node, HttpRequest.newBuilder(uri(node, "/key/" + encode(key))).GET());
        if (answer.status == 200) {
            JsonNode value = HttpJson.JSON.readTree(answer.body);
            String read = value.isNull() ? null : value.asString();
            recorder.ok(handle, read);
            return read;
        }
        recorder.fail(handle);
        return null;
    }

    /** A last linearizable read of every key from every node, after the faults: lost writes cannot hide. */
    static void finalReads(String client, List<NodeProcess> nodes, HistoryRecorder recorder) {
        for (String key : recorder.history().byKey().keySet()) {
            for (NodeProcess node : nodes) {
                get(node, key, recorder, client);
            }
        }
    }

    /** Completes a write invoked at {@code invokedAt}. */
    private void complete(OperationHandle handle, Answer answer, long invokedAt) {
        if (answer.status == 200) {
            recorder.ok(handle, null);
            stats.ackedWrite(invokedAt);
        }
        else if (answer.status == Answer.NOT_SENT) {
            recorder.fail(handle);
        }
        else {
            recorder.info(handle);
        }
    }

    private static Answer send(NodeProcess node, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        }
        catch (ConnectException | HttpConnectTimeoutException ex) {
            // A client backs off from a node that is down rather than spin on refused connections (a client pinned
            // to a killed node would take a core from the restart it waits for).
            pauseAfterRefusal();
            return new Answer(Answer.NOT_SENT, ex.toString());
        }
        catch (IOException ex) {
            return new Answer(Answer.UNKNOWN, ex.toString());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Answer(Answer.UNKNOWN, ex.toString());
        }
    }

    private static void pauseAfterRefusal() {
        try {
            Thread.sleep(REFUSED_BACKOFF.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static URI uri(NodeProcess node, String path) {
        return URI.create(node.http().base() + path);
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /** An HTTP status, or one of the two outcomes without one. */
    private record Answer(int status, String body) {

        static final int NOT_SENT = -1;

        static final int UNKNOWN = -2;
    }

    /** Counters shared by the clients and the nemesis. */
    static final class Stats {

        private final AtomicLong operations = new AtomicLong();

        private final AtomicLong okWrites = new AtomicLong();

        /** When the nemesis injected its current fault. */
        private volatile long faultAt;

        /** The key prefix of the current fault ({@code r0} before the first). */
        private volatile String phase = "r0";

        /** When the first write after {@link #faultAt} was acknowledged; 0 until then. */
        private final AtomicLong firstAckAfterFault = new AtomicLong();

        /** A write invoked at {@code invokedAt} was acknowledged; only writes begun after the fault show recovery. */
        void ackedWrite(long invokedAt) {
            okWrites.incrementAndGet();
            if (firstAckAfterFault.get() == 0 && invokedAt - faultAt > 0) {
                firstAckAfterFault.compareAndSet(0, System.nanoTime());
            }
        }

        long okWrites() {
            return okWrites.get();
        }

        /** Starts watching for the first acknowledged write after a fault injected at {@code at}; new keys. */
        void faultInjected(long at, String newPhase) {
            firstAckAfterFault.set(0);
            faultAt = at;
            phase = newPhase;
        }

        String phase() {
            return phase;
        }

        /** When the first write invoked after the last fault was acknowledged, or 0 if none has been yet. */
        long firstAckAfterFault() {
            return firstAckAfterFault.get();
        }
    }
}
