package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.autoconfigure.actuate.RaftNodeDescriptor.ConfigurationDescriptor;
import io.github.raftspringboot.autoconfigure.actuate.RaftNodeDescriptor.LeaderDescriptor;
import io.github.raftspringboot.autoconfigure.engine.RaftPeerAddress;

/**
 * The {@code raft} Actuator endpoint: this node's Raft state, and the membership, leadership and snapshot
 * operations of hashicorp/raft. Membership changes and leadership transfers sent to a follower are carried to the
 * leader ({@link RaftNode#viaLeader()}); a snapshot is taken by the node that receives the request.
 * <p>
 * Failures are thrown as {@link RaftException} (invalid requests with reason
 * {@link RaftException.Reason#INVALID_REQUEST}); {@link RaftEndpointWebExtension} turns them into HTTP statuses.
 */
@Endpoint(id = "raft")
public class RaftEndpoint {

    private static final Logger logger = LoggerFactory.getLogger(RaftEndpoint.class);

    private final RaftNode node;

    private final Duration timeout;

    /**
     * @param node    the local node
     * @param timeout how long a write operation may take; a little over {@code raft.request-timeout} so that the
     *                engine's own, clearer timeout error wins
     */
    public RaftEndpoint(RaftNode node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
    }

    /** {@code GET /actuator/raft}. */
    @ReadOperation
    public RaftNodeDescriptor raft() {
        return RaftNodeDescriptor.of(node.status(), node.stats());
    }

    /** {@code GET /actuator/raft/{part}}: {@code configuration}, {@code leader} or {@code stats} on its own. */
    @ReadOperation
    public Object part(@Selector String part) {
        RaftNodeStatus status = node.status();
        return switch (ReadPart.of(part)) {
            case CONFIGURATION -> ConfigurationDescriptor.of(status);
            case LEADER -> Optional.ofNullable(LeaderDescriptor.of(status))
                .orElseThrow(() -> new RaftException(RaftException.Reason.NO_LEADER, "Node '" + status.nodeId()
                        + "' knows no leader in term " + status.term()
                        + ": an election is in progress or a majority of the voters is unreachable"));
            case STATS -> node.stats();
        };
    }

    /**
     * {@code POST /actuator/raft/{operation}}: {@code add-voter}, {@code add-non-voter}, {@code promote},
     * {@code demote}, {@code transfer-leadership}, {@code snapshot}. Arguments come from the JSON body (or the
     * query string); which ones each operation needs is in docs/actuator.md.
     *
     * @param operation     the operation
     * @param id            the server the operation is about
     * @param address       the server's Raft address, {@code host:port} (add-voter, add-non-voter)
     * @param previousIndex refuse the change if the configuration changed since this index; 0 or absent: don't care
     */
    @WriteOperation
    public OperationResult operate(@Selector String operation, @Nullable String id, @Nullable String address,
            @Nullable String previousIndex) {
        WriteOperationName name = WriteOperationName.of(operation);
        long guard = previousIndex(previousIndex);
        RaftNode leader = node.viaLeader();
        CompletableFuture<Long> result = switch (name) {
            case ADD_VOTER -> leader.addVoter(nodeId(id), address(address), guard);
            case ADD_NON_VOTER -> leader.addNonVoter(nodeId(id), address(address), guard);
            case PROMOTE -> leader.addVoter(nodeId(id), addressOfNonVoter(nodeId(id)), guard);
            case DEMOTE -> leader.demoteVoter(nodeId(id), guard);
            case TRANSFER_LEADERSHIP -> (id == null || id.isBlank()) ? leader.transferLeadership()
                    : leader.transferLeadership(nodeId(id));
            case SNAPSHOT -> node.snapshot();
        };
        return complete(name.path, id, result);
    }

    /**
     * {@code DELETE /actuator/raft/servers/{id}}: removes a server from the cluster.
     *
     * @param collection    must be {@code servers}
     * @param id            the server to remove
     * @param previousIndex refuse the change if the configuration changed since this index; 0 or absent: don't care
     */
    @DeleteOperation
    public OperationResult remove(@Selector String collection, @Selector String id, @Nullable String previousIndex) {
        if (!"servers".equals(collection)) {
            throw invalid("Unknown path '" + collection + "/" + id + "': remove a server with DELETE "
                    + "/actuator/raft/servers/{id}");
        }
        long guard = previousIndex(previousIndex);
        return complete("remove-server", id, node.viaLeader().removeServer(nodeId(id), guard));
    }

    private OperationResult complete(String operation, @Nullable String id, CompletableFuture<Long> result) {
        long index = OperationFutures.await(result, timeout, operation);
        logger.info("Raft operation {}{} completed at index {}", operation, (id != null) ? " '" + id + "'" : "", index);
        return new OperationResult(operation, index);
    }

    private String addressOfNonVoter(String id) {
        RaftServerInfo server = node.status()
            .servers()
            .stream()
            .filter(candidate -> candidate.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new RaftException(RaftException.Reason.UNKNOWN_SERVER, "Server '" + id
                    + "' is not in the configuration: add it with POST /actuator/raft/add-voter"));
        if (server.suffrage() == Suffrage.VOTER) {
            throw new RaftException(RaftException.Reason.CONFIGURATION_CHANGED,
                    "Server '" + id + "' is already a voter: only a non-voter can be promoted");
        }
        if (server.address() == null) {
            throw invalid("The address of server '" + id + "' is not known here: send it with "
                    + "POST /actuator/raft/add-voter {\"id\":\"" + id + "\",\"address\":\"host:port\"}");
        }
        return server.address();
    }

    private static String nodeId(@Nullable String id) {
        if (id == null || id.isBlank()) {
            throw invalid("The argument 'id' is missing: send e.g. {\"id\":\"node4\"}");
        }
        try {
            return RaftPeerAddress.checkNodeId(id.trim(), "The id");
        }
        catch (IllegalArgumentException ex) {
            throw invalid(ex.getMessage());
        }
    }

    private static String address(@Nullable String address) {
        if (address == null || address.isBlank()) {
            throw invalid("The argument 'address' is missing: send e.g. "
                    + "{\"id\":\"node4\",\"address\":\"10.0.0.4:12000\"}");
        }
        try {
            return RaftPeerAddress.parse(address, "The address").address();
        }
        catch (IllegalArgumentException ex) {
            throw invalid(ex.getMessage());
        }
    }

    private static long previousIndex(@Nullable String previousIndex) {
        if (previousIndex == null || previousIndex.isBlank()) {
            return 0;
        }
        try {
            long index = Long.parseLong(previousIndex.trim());
            if (index >= 0) {
                return index;
            }
        }
        catch (NumberFormatException ex) {
            // Reported below with the expected format.
        }
        throw invalid("The argument 'previousIndex' must be a log index (an integer, 0 or more; 0 = don't care), "
                + "such as the 'index' of GET /actuator/raft/configuration; got '" + previousIndex + "'");
    }

    static RaftException invalid(String message) {
        return new RaftException(RaftException.Reason.INVALID_REQUEST, message);
    }

    /**
     * The outcome of a write operation.
     *
     * @param operation the operation that ran
     * @param index     the log index it reached (for a snapshot: the index the newest snapshot covers)
     */
    public record OperationResult(String operation, long index) {
    }

    /** The parts {@code GET /actuator/raft/{part}} serves. */
    enum ReadPart {

        CONFIGURATION, LEADER, STATS;

        static ReadPart of(String part) {
            for (ReadPart candidate : values()) {
                if (candidate.name().toLowerCase(Locale.ROOT).equals(part)) {
                    return candidate;
                }
            }
            throw invalid("Unknown part '" + part + "': use GET /actuator/raft or /actuator/raft/{part} with one of "
                    + Arrays.stream(values())
                        .map(value -> value.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")));
        }
    }

    /** The operations {@code POST /actuator/raft/{operation}} runs. */
    enum WriteOperationName {

        ADD_VOTER("add-voter"), ADD_NON_VOTER("add-non-voter"), PROMOTE("promote"), DEMOTE("demote"),
        TRANSFER_LEADERSHIP("transfer-leadership"), SNAPSHOT("snapshot");

        final String path;

        WriteOperationName(String path) {
            this.path = path;
        }

        static WriteOperationName of(String operation) {
            for (WriteOperationName candidate : values()) {
                if (candidate.path.equals(operation)) {
                    return candidate;
                }
            }
            throw invalid("Unknown operation '" + operation + "': use one of "
                    + Arrays.stream(values()).map(value -> value.path).collect(Collectors.joining(", "))
                    + " (POST), or DELETE /actuator/raft/servers/{id}");
        }
    }
}
