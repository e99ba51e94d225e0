package io.github.raftspringboot.sample.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CPU time and allocated bytes per HTTP request of one sample node (docs/benchmarks.md, "The HTTP layer"): one client
 * thread sends the requests one after the other over a keep-alive loopback connection, and the server's threads' own
 * counters say what they spent. Not part of the test suite: {@code mvn -o -pl sample-kv-app -am test -Pbenchmark
 * -Dtest=HttpRequestCostBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbenchmark.jfr=FILE} also
 * records the measured rounds with JFR's profile settings, and {@code -Dbenchmark.stages=true} logs the bytes per
 * stage of a request ({@link RequestStages}).
 */
@Tag("benchmark")
@Import(RequestStages.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=cost", "raft.bind-address=127.0.0.1", "raft.advertise-address=127.0.0.1",
                "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms", "spring.grpc.server.port=0" })
class HttpRequestCostBenchmarkTest {

    private static final Logger logger = LoggerFactory.getLogger(HttpRequestCostBenchmarkTest.class);

    private static final int KEYS = 10_000;

    private static final int WARMUP = Integer.getInteger("benchmark.warmup", 40_000);

    private static final int REQUESTS = Integer.getInteger("benchmark.requests", 5_000);

    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 5);

    private static final String VALUE = "v".repeat(254);

    /** Tomcat's acceptor, poller and request threads. */
    private static final Predicate<String> TOMCAT = name -> name.startsWith("http-nio-");

    @LocalServerPort
    int port;

    @Autowired
    RaftNode node;

    @DynamicPropertySource
    static void raftSettings(DynamicPropertyRegistry registry) {
        registry.add("raft.port", FreePorts::next);
        registry.add("raft.storage", () -> System.getProperty("benchmark.storage", "memory"));
    }

    @Test
    void cpuAndAllocationPerRequest() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(node::isLeader);
        Map<String, IntFunction<String[]>> kinds = new LinkedHashMap<>();
        kinds.put("put", i -> new String[] { "POST", "/key", "{\"k" + i + "\":\"" + VALUE + "\"}" });
        kinds.put("get-local", i -> new String[] { "GET", "/key/k" + i + "?consistency=local", null });
        kinds.put("get-linearizable", i -> new String[] { "GET", "/key/k" + i, null });
        Map<String, List<double[]>> figures = new LinkedHashMap<>();
        try (KeepAliveHttp http = new KeepAliveHttp(port)) {
            Map<String, byte[][]> requests = new LinkedHashMap<>();
            kinds.forEach((kind, build) -> {
                byte[][] bytes = new byte[KEYS][];
                for (int i = 0; i < KEYS; i++) {
                    String[] request = build.apply(i);
                    bytes[i] = http.request(request[0], request[1], request[2]);
                }
                requests.put(kind, bytes);
                figures.put(kind, new ArrayList<>());
            });
            for (Map.Entry<String, byte[][]> kind : requests.entrySet()) {
                send(http, kind.getValue(), WARMUP);
            }
            Recording recording = startRecordingIfAsked();
            for (int round = 1; round <= ROUNDS; round++) {
                for (Map.Entry<String, byte[][]> kind : requests.entrySet()) {
                    double[] figure = measure(http, kind.getValue());
                    figures.get(kind.getKey()).add(figure);
                    logger.info("HTTP-COST round {} {}: Tomcat threads {} µs {} bytes, all Java threads {} µs {} bytes, "
                            + "process {} µs per request", round, kind.getKey(), round1(figure[0]), Math.round(figure[1]),
                            round1(figure[2]), Math.round(figure[3]), round1(figure[4]));
                }
            }
            stopRecording(recording);
            logger.info("HTTP-COST the server closed the connection {} times", http.reconnects());
        }
        report(figures);
    }

    /** {@code [Tomcat µs, Tomcat bytes, server µs, server bytes, process µs]} per request. */
    private double[] measure(KeepAliveHttp http, byte[][] requests) throws Exception {
        String client = Thread.currentThread().getName();
        Predicate<String> server = name -> !name.equals(client);
        RequestStages.reset();
        ThreadCosts before = ThreadCosts.now();
        send(http, requests, REQUESTS);
        ThreadCosts after = ThreadCosts.now();
        if (Boolean.getBoolean("benchmark.stages")) {
            StringBuilder stages = new StringBuilder();
            for (int i = 0; i < RequestStages.NAMES.length; i++) {
                stages.append(RequestStages.NAMES[i]).append(' ').append(RequestStages.BYTES.get(i) / REQUESTS)
                    .append(" bytes; ");
            }
            logger.info("HTTP-COST stages: {}", stages);
        }
        ThreadCosts.Spent tomcat = after.since(before, TOMCAT);
        ThreadCosts.Spent all = after.since(before, server);
        ThreadCosts.Spent clientSpent = after.since(before, client::equals);
        long process = after.processCpuSince(before) - clientSpent.cpuNanos();
        return new double[] { tomcat.cpuNanos() / 1e3 / REQUESTS, (double) tomcat.allocatedBytes() / REQUESTS,
            all.cpuNanos() / 1e3 / REQUESTS, (double) all.allocatedBytes() / REQUESTS, process / 1e3 / REQUESTS };
    }

    /** Which of the prepared requests goes next: each request of a round reads or writes another key. */
    private int next;

    private void send(KeepAliveHttp http, byte[][] requests, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            KeepAliveHttp.Reply reply = http.send(requests[next++ % requests.length]);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        }
    }

    private static Recording startRecordingIfAsked() throws Exception {
        if (System.getProperty("benchmark.jfr") == null) {
            return null;
        }
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.start();
        return recording;
    }

    private static void stopRecording(Recording recording) throws Exception {
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(System.getProperty("benchmark.jfr")));
            recording.close();
        }
    }

    private static void report(Map<String, List<double[]>> figures) throws Exception {
        StringBuilder table = new StringBuilder("| request | Tomcat threads µs | Tomcat threads bytes | all Java threads µs "
                + "| all Java threads bytes | process µs |\n|---|---:|---:|---:|---:|---:|\n");
        figures.forEach((kind, rounds) -> {
            table.append("| ").append(kind);
            for (int column = 0; column < 5; column++) {
                int c = column;
                double[] values = rounds.stream().mapToDouble(figure -> figure[c]).sorted().toArray();
                boolean bytes = column == 1 || column == 3;
                table.append(" | ").append(format(values[values.length / 2], bytes)).append(" (")
                    .append(format(values[0], bytes)).append("-").append(format(values[values.length - 1], bytes))
                    .append(")");
            }
            table.append(" |\n");
        });
        String summary = "Per request, median (min-max) of " + ROUNDS + " rounds of " + REQUESTS + " requests, after "
                + WARMUP + " of each:\n\n" + table;
        logger.info("HTTP-COST\n{}", summary);
        Files.writeString(Path.of("target", "http-request-cost.md"), summary);
    }

    private static String format(double value, boolean bytes) {
        return bytes ? String.format("%,d", Math.round(value)) : String.format("%.1f", value);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
