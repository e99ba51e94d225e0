package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.test.FreePorts;

import static org.awaitility.Awaitility.await;

/** Three etcd members on loopback with their data in the work directory, fsync on (etcd's default). */
final class EtcdCluster implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final List<ServerProcess> members = new ArrayList<>();

    private final List<URI> clientUris = new ArrayList<>();

    EtcdCluster(String etcdBinary, Path workDir) {
        int[] clientPorts = IntStream.range(0, 3).map(i -> FreePorts.next()).toArray();
        int[] peerPorts = IntStream.range(0, 3).map(i -> FreePorts.next()).toArray();
        String initialCluster = IntStream.range(0, 3)
            .mapToObj(i -> "etcd" + (i + 1) + "=http://127.0.0.1:" + peerPorts[i])
            .collect(Collectors.joining(","));
        for (int i = 0; i < 3; i++) {
            String name = "etcd" + (i + 1);
            String client = "http://127.0.0.1:" + clientPorts[i];
            String peer = "http://127.0.0.1:" + peerPorts[i];
            List<String> command = List.of(etcdBinary, "--name", name,
                    "--data-dir", workDir.resolve(name).toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster, "--initial-cluster-token", "raft-benchmarks",
                    "--initial-cluster-state", "new", "--logger", "zap", "--log-outputs", "stderr");
            members.add(ServerProcess.start(name, command, Map.of(), workDir));
            clientUris.add(URI.create(client));
        }
    }

    /** Waits until every member's {@code /health} says it is healthy (it has a leader and can commit). */
    EtcdCluster awaitHealthy(HttpCalls http, Duration timeout) {
        await("three healthy etcd members").atMost(timeout)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsMatching(ex -> !(ex instanceof IllegalStateException))
            .until(() -> {
                members.forEach(ServerProcess::checkAlive);
                for (URI uri : clientUris) {
                    if (!http.get(uri.resolve("/health")).contains("\"true\"")) {
                        return false;
                    }
                }
                return true;
            });
        return this;
    }

    /** The name of the member that leads: the one whose member id is the leader id its status reports. */
    String leader(HttpCalls http) throws Exception {
        for (int i = 0; i < clientUris.size(); i++) {
            JsonNode status = JSON.readTree(http.postJson(clientUris.get(i).resolve("/v3/maintenance/status"), "{}"));
            if (status.path("leader").asString("").equals(status.path("header").path("member_id").asString("-"))) {
                return members.get(i).name();
            }
        }
        return "none";
    }

    /**
     * Makes the first member (etcd1) the leader or a follower, with etcd's MoveLeader call
     * ({@code /v3/maintenance/transfer-leadership}, sent to the leader), and waits until it is; returns what was
     * done, for the report.
     */
    String placeFirstMember(HttpCalls http, ApiMemberRole role, Duration timeout) throws Exception {
        String first = members.get(0).name();
        String leader = leader(http);
        boolean leads = first.equals(leader);
        if (leads == (role == ApiMemberRole.LEADER)) {
            return first + " was already " + (leads ? "the leader" : "a follower");
        }
        int target = role == ApiMemberRole.LEADER ? 0 : 1;
        int current = leaderIndex(http);
        http.postJson(clientUris.get(current).resolve("/v3/maintenance/transfer-leadership"),
                "{\"targetID\":\"" + memberId(http, target) + "\"}");
        String expected = members.get(target).name();
        await(expected + " leads").atMost(timeout)
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> expected.equals(leader(http)));
        return "leadership moved " + (role == ApiMemberRole.LEADER ? "to " : "away from ") + first
                + " (MoveLeader)";
    }

    private int leaderIndex(HttpCalls http) throws Exception {
        String leader = leader(http);
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(leader)) {
                return i;
            }
        }
        throw new IllegalStateException("No etcd member leads");
    }

    private String memberId(HttpCalls http, int index) throws Exception {
        return JSON.readTree(http.postJson(clientUris.get(index).resolve("/v3/maintenance/status"), "{}"))
            .path("header").path("member_id").asString();
    }

    List<URI> clientUris() {
        return List.copyOf(clientUris);
    }

    List<Long> pids() {
        return members.stream().map(ServerProcess::pid).toList();
    }

    List<ServerProcess> processes() {
        return List.copyOf(members);
    }

    @Override
    public void close() {
        members.parallelStream().forEach(ServerProcess::close);
    }
}
