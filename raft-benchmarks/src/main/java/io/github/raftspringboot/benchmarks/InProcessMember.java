package io.github.raftspringboot.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.benchmarks.member.ApiMemberApplication;

import static org.awaitility.Awaitility.await;

/**
 * One member of the sample's cluster running inside this JVM, as a Spring Boot application with the starter: the
 * same engine settings as the sample's nodes (their defaults, {@code raft.storage=disk}), its log in the work
 * directory instead of on the console.
 */
final class InProcessMember implements AutoCloseable {

    private final String id;

    private final ConfigurableApplicationContext context;

    private InProcessMember(String id, ConfigurableApplicationContext context) {
        this.id = id;
        this.context = context;
    }

    /** Starts member {@code id} of {@code cluster}, whose other members are the cluster's node processes. */
    static InProcessMember start(String id, SampleCluster cluster, Path workDir) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("raft.node-id", id);
        properties.put("raft.peers", cluster.peers());
        properties.put("raft.port", cluster.raftPort(id));
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        properties.put("raft.state-dir", workDir.resolve(id).toString());
        properties.put("raft.storage", "disk");
        // The starter's gRPC admin server: a free loopback port, never Spring gRPC's fixed 9090.
        properties.put("spring.grpc.server.port", 0);
        properties.put("spring.grpc.server.address", "127.0.0.1");
        properties.put("spring.jmx.enabled", false);
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.file.name", workDir.resolve("kv-" + id + ".log").toString());
        properties.put("logging.threshold.console", "OFF");
        String[] arguments = properties.entrySet()
            .stream()
            .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
            .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ApiMemberApplication.class)
            .web(WebApplicationType.NONE)
            .registerShutdownHook(false)
            .run(arguments);
        return new InProcessMember(id, context);
    }

    String id() {
        return id;
    }

    RaftKeyValueStore store() {
        return context.getBean(RaftKeyValueStore.class);
    }

    RaftNode node() {
        return context.getBean(RaftNode.class);
    }

    /** Waits until this member knows a leader. */
    void awaitLeader(Duration timeout) {
        await("a leader known to the in-process member " + id).atMost(timeout)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> node().status().leader() != null);
    }

    /** The leader's id as this member sees it, or {@code none}. */
    String leader() {
        RaftNodeStatus status = node().status();
        return status.leader() == null ? "none" : status.leader().id();
    }

    /**
     * Makes this member the leader or a follower by transferring leadership, and waits until it is; returns what
     * was done, for the report.
     */
    String place(ApiMemberRole role, Duration timeout) {
        boolean leads = node().status().role() == RaftRole.LEADER;
        if (role == ApiMemberRole.LEADER && !leads) {
            RaftFutures.await(node().viaLeader().transferLeadership(id), timeout);
            await("the in-process member " + id + " leads").atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> node().status().role() == RaftRole.LEADER);
            return "leadership transferred to the in-process member " + id;
        }
        if (role == ApiMemberRole.FOLLOWER && leads) {
            RaftFutures.await(node().transferLeadership(), timeout);
            await("another member leads, not the in-process member " + id).atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> node().status().role() == RaftRole.FOLLOWER && node().status().leader() != null);
            return "leadership transferred away from the in-process member " + id;
        }
        return "the in-process member " + id + " was already " + (leads ? "the leader" : "a follower");
    }

    /** Stops the member as on SIGTERM (a leader hands its leadership over first). */
    @Override
    public void close() {
        context.close();
    }
}
