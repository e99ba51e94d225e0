package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.test.FreePorts;

import static org.awaitility.Awaitility.await;

/**
 * A 3-node cluster of the sample app on loopback: each node {@code java -jar} with the seed's environment variables
 * (as scripts/local-cluster.sh starts them), {@code KV_STORE=boltdb} (fsync before acknowledging). The first
 * {@code inProcessNodes} node ids are left out: their members are started by the caller (in this JVM), with
 * {@link #peers()} and {@link #raftPort(String)}.
 */
final class SampleCluster implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final List<ServerProcess> nodes = new ArrayList<>();

    private final List<URI> httpUris = new ArrayList<>();

    private final Map<String, int[]> ports = new LinkedHashMap<>();

    private final String peers;

    SampleCluster(Path sampleJar, List<String> jvmOptions, Path workDir, int inProcessNodes) {
        for (String id : List.of("node1", "node2", "node3")) {
            ports.put(id, new int[] { FreePorts.next(), FreePorts.next(), FreePorts.next() });
        }
        this.peers = ports.entrySet()
            .stream()
            .map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue()[1])
            .collect(Collectors.joining(","));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Map.Entry<String, int[]> node : List.copyOf(ports.entrySet()).subList(inProcessNodes, ports.size())) {
            String id = node.getKey();
            int[] port = node.getValue();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", sampleJar.toString()));
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("NODE_ID", id);
            environment.put("STATE_DIR", workDir.resolve(id).toString());
            environment.put("KV_STORE", "boltdb");
            environment.put("HTTP_ADDR", "127.0.0.1");
            environment.put("HTTP_PORT", Integer.toString(port[0]));
            environment.put("RAFT_ADDR", "127.0.0.1");
            environment.put("RAFT_PORT", Integer.toString(port[1]));
            environment.put("RAFT_ADVERTISE_ADDR", "127.0.0.1");
            environment.put("SPRING_GRPC_SERVER_ADDRESS", "127.0.0.1");
            environment.put("SPRING_GRPC_SERVER_PORT", Integer.toString(port[2]));
            environment.put("PEERS", peers);
            nodes.add(ServerProcess.start("kv-" + id, command, environment, workDir));
            httpUris.add(URI.create("http://127.0.0.1:" + port[0]));
        }
    }

    /** Waits until every node process answers {@code GET /status} and all name the same leader. */
    SampleCluster awaitLeader(HttpCalls http, Duration timeout) {
        return awaitLeader(http, timeout, null);
    }

    /** The same, with {@code expected} as that leader ({@code null}: any). */
    SampleCluster awaitLeader(HttpCalls http, Duration timeout, String expected) {
        await(expected == null ? "a leader the three sample nodes agree on" : "every sample node following " + expected)
            .atMost(timeout)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsMatching(ex -> !(ex instanceof IllegalStateException))
            .until(() -> {
                nodes.forEach(ServerProcess::checkAlive);
                List<String> leaders = new ArrayList<>();
                for (URI uri : httpUris) {
                    leaders.add(JSON.readTree(http.get(uri.resolve("/status"))).path("leader").path("id")
                        .asString(null));
                }
                return leaders.stream().allMatch(Objects::nonNull) && leaders.stream().distinct().count() == 1
                        && (expected == null || expected.equals(leaders.get(0)));
            });
        return this;
    }

    /** The leader's node id as the first node process sees it. */
    String leader(HttpCalls http) throws Exception {
        return JSON.readTree(http.get(httpUris.get(0).resolve("/status"))).path("leader").path("id").asString("none");
    }

    /**
     * Makes the first node (node1) the leader or a follower, with the actuator's {@code transfer-leadership} sent to
     * the leader, and waits until every node names the new leader; returns what was done, for the report. The
     * same as {@link EtcdCluster#placeFirstMember} does for etcd1, so that one client (which talks to the first
     * member of each system) meets the same role in both.
     */
    String placeFirstMember(HttpCalls http, ApiMemberRole role, Duration timeout) throws Exception {
        List<String> ids = List.copyOf(ports.keySet());
        String first = ids.get(0);
        String leader = leader(http);
        boolean leads = first.equals(leader);
        if (leads == (role == ApiMemberRole.LEADER)) {
            return first + " was already " + (leads ? "the leader" : "a follower");
        }
        String target = ids.get(role == ApiMemberRole.LEADER ? 0 : 1);
        int current = ids.indexOf(leader);
        if (current < 0) {
            throw new IllegalStateException("No sample node leads (node1 names '" + leader + "')");
        }
        http.postJson(httpUris.get(current).resolve("/actuator/raft/transfer-leadership"),
                "{\"id\":\"" + target + "\"}");
        awaitLeader(http, timeout, target);
        return "leadership moved " + (role == ApiMemberRole.LEADER ? "to " : "away from ") + first
                + " (transfer-leadership)";
    }

    /** {@code id@127.0.0.1:port} of the three members, as {@code raft.peers} (and the seed's PEERS) take them. */
    String peers() {
        return peers;
    }

    /** The Raft port of a member. */
    int raftPort(String id) {
        return ports.get(id)[1];
    }

    List<URI> httpUris() {
        return List.copyOf(httpUris);
    }

    List<Long> pids() {
        return nodes.stream().map(ServerProcess::pid).toList();
    }

    List<ServerProcess> processes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(ServerProcess::close);
    }
}
