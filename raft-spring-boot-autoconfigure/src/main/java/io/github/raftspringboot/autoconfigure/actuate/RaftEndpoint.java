package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.core.io.Resource;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.api.RaftPeerAddress;

/**
 * The {@code raft} Actuator endpoint (web and JMX): this node's Raft state, and the cluster operations of
 * hashicorp/raft's admin API. Operations that need the leader are carried to it with {@link RaftNode#viaLeader()},
 * so an operator can call any node. Failures are thrown as {@link RaftException} or
 * {@link IllegalArgumentException}; {@link RaftEndpointWebExtension} turns them into HTTP statuses.
 */
@Endpoint(id = "raft")
public class RaftEndpoint {

    /** The operations of {@code POST /actuator/raft/{operation}}. */
    static final List<String> OPERATIONS = List.of("add-voter", "add-nonvoter", "promote", "demote", "remove",
            "transfer-leadership", "snapshot");

    private final RaftNode node;

    private final Duration timeout;

    /**
     * @param node    the local node
     * @param timeout the longest a write operation may take before it is reported as {@code TIMEOUT}
     */
    public RaftEndpoint(RaftNode node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
    }

    /** {@code GET /actuator/raft}: everything this node knows about its Raft state. */
    @ReadOperation
    public NodeDescriptor node() {
        RaftNodeStatus status = node.status();
        return new NodeDescriptor(status.nodeId(), status.address(), status.role().name(), status.term(),
                LeaderDescriptor.of(status), status.commitIndex(), status.appliedIndex(), status.lastLogIndex(),
                status.lastLogTerm(), status.lastSnapshotIndex(), status.lastSnapshotTerm(), millisSinceContact(status),
                status.configurationIndex(), servers(status), node.stats());
    }

    /** {@code GET /actuator/raft/configuration}, {@code GET /actuator/raft/leader} or {@code .../operations}. */
    @ReadOperation
    public @Nullable Object part(@Selector String part) {
        return switch (part) {
            case "configuration" -> configuration();
            case "leader" -> LeaderDescriptor.of(node.status());
            // Backups, restores and snapshots under way on this node, and how far each got.
            case "operations" -> node.operationsInProgress();
            case "backup" -> throw new IllegalArgumentException("The backup is a file: download it over HTTP with GET "
                    + "/actuator/raft/backup, or save it with 'raftmanager <host:grpc-port> backup <file>'");
            default -> throw new IllegalArgumentException(
                    "Unknown part '" + part + "' of the raft endpoint: use 'configuration', 'leader' or 'operations'");
        };
    }

    /** The backup for the web download ({@link SpooledBackupDownload}). */
    Resource backup() {
        return SpooledBackupDownload.of(node);
    }

    ConfigurationDescriptor configuration() {
        RaftNodeStatus status = node.status();
        return new ConfigurationDescriptor(status.configurationIndex(), servers(status));
    }

    /**
     * {@code POST /actuator/raft/{operation}} with a JSON body (or query parameters) {@code id}, {@code address},
     * {@code previousIndex}, {@code replace} and {@code force}: one of {@link #OPERATIONS}, run on the leader.
     * {@code replace} lets add-voter/add-nonvoter move an existing member to a new address; {@code force} skips the
     * strict reconfiguration check.
     */
    @WriteOperation
    public OperationDescriptor change(@Selector String operation, @Nullable String id, @Nullable String address,
            @Nullable Long previousIndex, @Nullable Boolean replace, @Nullable Boolean force) {
        MembershipOptions options = new MembershipOptions(Boolean.TRUE.equals(replace), Boolean.TRUE.equals(force));
        long previous = (previousIndex != null) ? previousIndex : 0;
        if (previous < 0) {
            throw new IllegalArgumentException("previousIndex must be 0 (no check) or a configuration index, not "
                    + previous);
        }
        RaftNode leader = node.viaLeader();
        return switch (operation) {
            case "add-voter" -> run(operation, id,
                    server -> leader.addVoter(server, requireAddress(operation, address), previous, options));
            case "add-nonvoter" -> run(operation, id,
                    server -> leader.addNonVoter(server, requireAddress(operation, address), previous, options));
            case "promote" -> run(operation, id,
                    server -> leader.addVoter(server, addressOf(server), previous, options));
            case "demote" -> run(operation, id, server -> leader.demoteVoter(server, previous, options));
            case "remove" -> run(operation, id, server -> leader.removeServer(server, previous, options));
            case "transfer-leadership" -> (id == null || id.isBlank())
                    ? new OperationDescriptor(operation, null, await(leader.transferLeadership()))
                    : run(operation, id, leader::transferLeadership);
            case "snapshot" -> new OperationDescriptor(operation, null, await(leader.snapshot()));
            default -> throw new IllegalArgumentException("Unknown operation '" + operation + "': use one of "
                    + String.join(", ", OPERATIONS));
        };
    }

    /** {@code DELETE /actuator/raft/{id}}: removes the server from the cluster ({@code ?force=true} skips the check). */
    @DeleteOperation
    public OperationDescriptor remove(@Selector String id, @Nullable Long previousIndex, @Nullable Boolean force) {
        return change("remove", id, null, previousIndex, null, force);
    }

    private OperationDescriptor run(String operation, @Nullable String id,
            Function<String, CompletableFuture<Long>> action) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(operation + " needs the server's \"id\", e.g. {\"id\":\"node4\""
                    + (operation.startsWith("add") ? ",\"address\":\"10.0.0.4:12000\"" : "") + "}");
        }
        String server = RaftPeerAddress.checkNodeId(id, "id");
        return new OperationDescriptor(operation, server, await(action.apply(server)));
    }

    private static String requireAddress(String operation, @Nullable String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(operation + " needs the server's Raft \"address\" as host:port, "
                    + "e.g. {\"id\":\"node4\",\"address\":\"10.0.0.4:12000\"}");
        }
        RaftPeerAddress.parse(address, "address");
        return address;
    }

    private String addressOf(String id) {
        RaftServerInfo server = node.status()
            .servers()
            .stream()
            .filter(candidate -> candidate.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new RaftException(RaftException.Reason.UNKNOWN_SERVER,
                    "'" + id + "' is not a member of the cluster: add it with add-voter or add-nonvoter"));
        if (server.suffrage() == Suffrage.VOTER) {
            throw new IllegalArgumentException("'" + id + "' is already a voter");
        }
        if (server.address() == null) {
            throw new RaftException(RaftException.Reason.INTERNAL, "The address of '" + id + "' is unknown on "
                    + node.nodeId() + ": promote it on the leader or with add-voter and its address");
        }
        return server.address();
    }

    private <T> T await(CompletableFuture<T> future) {
        return RaftFutures.await(future, timeout, "check GET /actuator/raft/configuration");
    }

    private static @Nullable Long millisSinceContact(RaftNodeStatus status) {
        return (status.lastContact() != null)
                ? Math.max(0, Duration.between(status.lastContact(), status.timestamp()).toMillis()) : null;
    }

    private static List<ServerDescriptor> servers(RaftNodeStatus status) {
        return status.servers()
            .stream()
            .map(server -> new ServerDescriptor(server.id(), server.address(), server.suffrage().name()))
            .toList();
    }

    /**
     * This node's Raft state ({@code GET /actuator/raft}).
     *
     * @param id                 this node's id
     * @param address            its advertised Raft address
     * @param role               LEADER, FOLLOWER, CANDIDATE, NON_VOTER, INACTIVE or SHUTDOWN
     * @param term               the current term
     * @param leader             the leader this node knows, or {@code null}
     * @param commitIndex        the highest committed log index
     * @param appliedIndex       the highest log index applied here
     * @param lastLogIndex       the index of the last log entry
     * @param lastLogTerm        the term of the last log entry
     * @param lastSnapshotIndex  the index of the newest snapshot (0 when none)
     * @param lastSnapshotTerm   the term of the newest snapshot (0 when none)
     * @param millisSinceLastContact milliseconds since this node last heard from a leader; {@code null} on the
     *                           leader or when never
     * @param configurationIndex the log index of the current configuration ({@code previousIndex} guards)
     * @param configuration      the servers of the cluster
     * @param stats              hashicorp/raft's {@code Stats()} map
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record NodeDescriptor(String id, String address, String role, long term, @Nullable LeaderDescriptor leader,
            long commitIndex, long appliedIndex, long lastLogIndex, long lastLogTerm, long lastSnapshotIndex,
            long lastSnapshotTerm, @Nullable Long millisSinceLastContact, long configurationIndex,
            List<ServerDescriptor> configuration, Map<String, String> stats) implements OperationResponseBody {
    }

    /**
     * The leader as a node knows it.
     *
     * @param id      the leader's id
     * @param address its Raft address, or {@code null} when unknown here
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LeaderDescriptor(String id, @Nullable String address) implements OperationResponseBody {

        static @Nullable LeaderDescriptor of(RaftNodeStatus status) {
            return (status.leader() != null) ? new LeaderDescriptor(status.leader().id(), status.leader().address())
                    : null;
        }
    }

    /**
     * The cluster configuration ({@code GET /actuator/raft/configuration}).
     *
     * @param index   the log index of this configuration
     * @param servers its servers
     */
    public record ConfigurationDescriptor(long index, List<ServerDescriptor> servers) implements OperationResponseBody {
    }

    /**
     * One server of the configuration.
     *
     * @param id        its node id
     * @param address   its Raft address, or {@code null} when unknown here
     * @param suffrage  VOTER, NONVOTER or STAGING
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ServerDescriptor(String id, @Nullable String address, String suffrage) {
    }

    /**
     * The outcome of a write operation.
     *
     * @param operation the operation, e.g. {@code add-voter}
     * @param id        the server it concerned, or {@code null}
     * @param index     the log index the operation reached
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OperationDescriptor(String operation, @Nullable String id, long index)
            implements OperationResponseBody {
    }
}
