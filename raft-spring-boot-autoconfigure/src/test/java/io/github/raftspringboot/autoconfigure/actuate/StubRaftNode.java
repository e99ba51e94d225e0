package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

/** A {@link RaftNode} whose status a test sets; every operation fails, as no engine runs. */
public class StubRaftNode implements RaftNode {

    private volatile RaftNodeStatus status;

    public StubRaftNode() {
        this.status = status(RaftRole.FOLLOWER, new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER), null);
    }

    /** A status of node2 in a three-voter cluster. */
    public static RaftNodeStatus status(RaftRole role, RaftServerInfo leader, Instant lastContact) {
        List<RaftServerInfo> servers = List.of(new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER),
                new RaftServerInfo("node2", "127.0.0.1:12002", Suffrage.VOTER),
                new RaftServerInfo("node3", "127.0.0.1:12003", Suffrage.NONVOTER));
        return new RaftNodeStatus("node2", "127.0.0.1:12002", role, 7, leader, 40, 38, 41, 7, 0, 0, lastContact, 3,
                servers, Instant.now());
    }

    public void setStatus(RaftNodeStatus status) {
        this.status = status;
    }

    @Override
    public String nodeId() {
        return status.nodeId();
    }

    @Override
    public RaftNodeStatus status() {
        return status;
    }

    @Override
    public Map<String, String> stats() {
        return Map.of("state", "Follower", "protocol", "stub");
    }

    @Override
    public CompletableFuture<Long> addVoter(String id, String address, long previousIndex) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> demoteVoter(String id, long previousIndex) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> removeServer(String id, long previousIndex) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> transferLeadership() {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> transferLeadership(String id) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> barrier() {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> verifyLeader() {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> snapshot() {
        return unsupported();
    }

    @Override
    public CompletableFuture<Long> applyCommand(byte[] command) {
        return unsupported();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public RaftNode viaLeader() {
        return this;
    }

    private static <T> CompletableFuture<T> unsupported() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no engine in this test"));
    }
}
