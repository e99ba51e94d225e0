package io.github.raftspringboot.sample.docs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import io.github.raftspringboot.sample.SampleKvApplication;
import io.github.raftspringboot.test.FreePorts;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.awaitility.Awaitility.await;

/**
 * A 3-node cluster of the sample for one document, and the map from the ports the docs show to its real ones: HTTP
 * {@code 11000}/{@code 8080} (node1), {@code 1100N} (nodeN); Raft {@code 12000} (node1), {@code 1200N}; gRPC
 * {@code 9090} (node1), {@code 1300N}. node1 leads when the document starts, as the docs' examples assume.
 */
final class DocCluster implements AutoCloseable {

    private static final Pattern LOOPBACK_PORT = Pattern.compile("\\b(localhost|127\\.0\\.0\\.1):(\\d{4,5})\\b");

    private final Map<String, String> properties;

    private RaftTestCluster cluster;

    /** Raft ports the docs give a node that moved ({@link #move}), to the real new ones. */
    private final Map<Integer, Integer> movedTo = new LinkedHashMap<>();

    /** Last known ports of each node, by kind: a stopped node keeps its entry, so commands to it fail as they should. */
    private final Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();

    DocCluster(Map<String, String> properties) {
        this.properties = properties;
        startNew();
    }

    /** Replaces the cluster by a new one on empty state directories (and new ports), as a document's restore needs. */
    void replace() {
        cluster.close();
        ports.clear();
        movedTo.clear();
        startNew();
    }

    private void startNew() {
        cluster = RaftTestCluster.builder(SampleKvApplication.class).nodes(3).web(true).properties(properties).start();
        cluster.ids().forEach(this::recordPorts);
        makeLeader("node1");
    }

    /** Rewrites every {@code localhost:PORT} / {@code 127.0.0.1:PORT} the docs use to this cluster's. */
    String rewrite(String text) {
        Matcher matcher = LOOPBACK_PORT.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            Optional<Integer> port = map(Integer.parseInt(matcher.group(2)));
            matcher.appendReplacement(result,
                    Matcher.quoteReplacement(port.map(real -> "127.0.0.1:" + real).orElse(matcher.group())));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private Optional<Integer> map(int documented) {
        if (movedTo.containsKey(documented)) {
            return Optional.of(movedTo.get(documented));
        }
        String kind;
        int node;
        if (documented == 8080 || documented == 9090) {
            kind = documented == 8080 ? "http" : "grpc";
            node = 1;
        }
        else if (documented >= 11000 && documented <= 13009) {
            kind = List.of("http", "raft", "grpc").get(documented / 1000 - 11);
            node = Math.max(1, documented % 1000);
        }
        else {
            return Optional.empty();
        }
        return Optional.ofNullable(ports.getOrDefault("node" + node, Map.of()).get(kind));
    }

    /** Starts {@code id}: again if it was stopped, otherwise as a new node that waits to be added (node4...). */
    void start(String id) {
        if (cluster.running().contains(id)) {
            return;
        }
        if (cluster.ids().contains(id)) {
            cluster.start(id);
        }
        else {
            cluster.reserve(id);
            cluster.startJoining(id);
        }
        recordPorts(id);
    }

    /**
     * Restarts {@code id} on its state directory with a new Raft port, which stands for {@code documentedPort} in the
     * commands: a node moved to a new address, as a {@code replace} of its address documents.
     */
    void move(String id, int documentedPort) {
        stop(id);
        int port = FreePorts.next();
        cluster.start(id, Map.of("raft.port", port));
        recordPorts(id);
        ports.get(id).put("raft", port);
        movedTo.put(documentedPort, port);
    }

    void stop(String id) {
        if (cluster.running().contains(id)) {
            cluster.stop(id);
        }
    }

    String describe() {
        return cluster.describe() + "\n  ports: " + ports;
    }

    private void recordPorts(String id) {
        ConfigurableApplicationContext context = cluster.context(id);
        Map<String, Integer> nodePorts = new LinkedHashMap<>();
        nodePorts.put("http", cluster.baseUri(id).getPort());
        nodePorts.put("grpc", context.getBean(GrpcServerLifecycle.class).getPort());
        nodePorts.put("raft", Integer.parseInt(cluster.raftAddress(id).substring("127.0.0.1:".length())));
        ports.put(id, nodePorts);
    }

    private void makeLeader(String id) {
        String leader = cluster.awaitLeader(Duration.ofSeconds(60));
        if (!leader.equals(id)) {
            try {
                cluster.node(leader).transferLeadership(id).get(30, TimeUnit.SECONDS);
            }
            catch (Exception ex) {
                throw new IllegalStateException("Could not hand leadership from " + leader + " to " + id + ":"
                        + cluster.describe(), ex);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> id.equals(cluster.leader().orElse(null)));
            cluster.awaitLeader();
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
