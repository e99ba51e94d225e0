package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.admin.grpc.AddNonvoterRequest;
import io.github.raftspringboot.admin.grpc.AddVoterRequest;
import io.github.raftspringboot.admin.grpc.AppliedIndexRequest;
import io.github.raftspringboot.admin.grpc.AppliedIndexResponse;
import io.github.raftspringboot.admin.grpc.ApplyLogRequest;
import io.github.raftspringboot.admin.grpc.AwaitResponse;
import io.github.raftspringboot.admin.grpc.BarrierRequest;
import io.github.raftspringboot.admin.grpc.DemoteVoterRequest;
import io.github.raftspringboot.admin.grpc.ForgetResponse;
import io.github.raftspringboot.admin.grpc.Future;
import io.github.raftspringboot.admin.grpc.GetConfigurationRequest;
import io.github.raftspringboot.admin.grpc.GetConfigurationResponse;
import io.github.raftspringboot.admin.grpc.HostAndPort;
import io.github.raftspringboot.admin.grpc.LastContactRequest;
import io.github.raftspringboot.admin.grpc.LastContactResponse;
import io.github.raftspringboot.admin.grpc.LastIndexRequest;
import io.github.raftspringboot.admin.grpc.LastIndexResponse;
import io.github.raftspringboot.admin.grpc.LeaderRequest;
import io.github.raftspringboot.admin.grpc.LeaderResponse;
import io.github.raftspringboot.admin.grpc.LeadershipTransferRequest;
import io.github.raftspringboot.admin.grpc.LeadershipTransferToServerRequest;
import io.github.raftspringboot.admin.grpc.RaftAdminGrpc;
import io.github.raftspringboot.admin.grpc.RemoveServerRequest;
import io.github.raftspringboot.admin.grpc.ShutdownRequest;
import io.github.raftspringboot.admin.grpc.SnapshotRequest;
import io.github.raftspringboot.admin.grpc.StateRequest;
import io.github.raftspringboot.admin.grpc.StateResponse;
import io.github.raftspringboot.admin.grpc.StatsRequest;
import io.github.raftspringboot.admin.grpc.StatsResponse;
import io.github.raftspringboot.admin.grpc.VerifyLeaderRequest;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The RaftAdmin gRPC service on top of the local {@link RaftNode}, with raftadmin's wire names and hashicorp/raft's
 * semantics: operations that change the cluster are enqueued and answer with an operation token whose outcome
 * {@code Await} returns (failures in-band in {@code AwaitResponse.error}); queries answer at once. Leader-only
 * operations sent to a follower fail in-band with an error naming the leader, as hashicorp/raft does. Malformed
 * requests are refused with INVALID_ARGUMENT before anything is started.
 */
final class RaftAdminService extends RaftAdminGrpc.RaftAdminImplBase {

    private static final Logger logger = LoggerFactory.getLogger(RaftAdminService.class);

    private final RaftNode node;

    private final OperationTable operations;

    RaftAdminService(RaftNode node, OperationTable operations) {
        this.node = node;
        this.operations = operations;
    }

    @Override
    public void addVoter(AddVoterRequest request, StreamObserver<Future> response) {
        String id = requireId(request.getId(), "id");
        String address = requireAddress(request.getAddress(), "address");
        long previousIndex = index(request.getPreviousIndex(), "previous_index");
        enqueue(response, "AddVoter", () -> node.addVoter(id, address, previousIndex));
    }

    @Override
    public void addNonvoter(AddNonvoterRequest request, StreamObserver<Future> response) {
        String id = requireId(request.getId(), "id");
        String address = requireAddress(request.getAddress(), "address");
        long previousIndex = index(request.getPreviousIndex(), "previous_index");
        enqueue(response, "AddNonvoter", () -> node.addNonVoter(id, address, previousIndex));
    }

    @Override
    public void demoteVoter(DemoteVoterRequest request, StreamObserver<Future> response) {
        String id = requireId(request.getId(), "id");
        long previousIndex = index(request.getPreviousIndex(), "previous_index");
        enqueue(response, "DemoteVoter", () -> node.demoteVoter(id, previousIndex));
    }

    @Override
    public void removeServer(RemoveServerRequest request, StreamObserver<Future> response) {
        String id = requireId(request.getId(), "id");
        long previousIndex = index(request.getPreviousIndex(), "previous_index");
        enqueue(response, "RemoveServer", () -> node.removeServer(id, previousIndex));
    }

    @Override
    public void applyLog(ApplyLogRequest request, StreamObserver<Future> response) {
        if (!request.getExtensions().isEmpty()) {
            throw invalid("extensions are not supported: raft-spring-boot's log entries carry only data");
        }
        byte[] data = request.getData().toByteArray();
        // RaftNode.applyCommand would carry the command to the leader; hashicorp/raft's Apply refuses on a follower.
        enqueue(response, "ApplyLog", () -> onLeader("ApplyLog").thenCompose(ignored -> node.applyCommand(data)));
    }

    @Override
    public void barrier(BarrierRequest request, StreamObserver<Future> response) {
        enqueue(response, "Barrier", node::barrier);
    }

    @Override
    public void verifyLeader(VerifyLeaderRequest request, StreamObserver<Future> response) {
        enqueue(response, "VerifyLeader", node::verifyLeader);
    }

    @Override
    public void leadershipTransfer(LeadershipTransferRequest request, StreamObserver<Future> response) {
        enqueue(response, "LeadershipTransfer", node::transferLeadership);
    }

    @Override
    public void leadershipTransferToServer(LeadershipTransferToServerRequest request,
            StreamObserver<Future> response) {
        String id = requireId(request.getId(), "id");
        String address = request.getAddress().isEmpty() ? null : requireAddress(request.getAddress(), "address");
        enqueue(response, "LeadershipTransferToServer", () -> {
            String known = node.status()
                .servers()
                .stream()
                .filter(server -> server.id().equals(id))
                .map(RaftServerInfo::address)
                .findFirst()
                .orElse(null);
            if (address != null && known != null && !known.equals(address)) {
                return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST,
                        "LeadershipTransferToServer: server '" + id + "' has address " + known + ", not " + address));
            }
            return node.transferLeadership(id);
        });
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<Future> response) {
        enqueue(response, "Snapshot", node::snapshot);
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<Future> response) {
        enqueue(response, "Shutdown", () -> node.shutdown().thenApply(ignored -> 0L));
    }

    @Override
    public void appliedIndex(AppliedIndexRequest request, StreamObserver<AppliedIndexResponse> response) {
        reply(response, AppliedIndexResponse.newBuilder().setIndex(node.status().appliedIndex()).build());
    }

    @Override
    public void lastIndex(LastIndexRequest request, StreamObserver<LastIndexResponse> response) {
        reply(response, LastIndexResponse.newBuilder().setIndex(node.status().lastLogIndex()).build());
    }

    @Override
    public void lastContact(LastContactRequest request, StreamObserver<LastContactResponse> response) {
        Instant contact = node.status().lastContact();
        long unixNano = (contact != null) ? contact.getEpochSecond() * 1_000_000_000L + contact.getNano() : 0;
        reply(response, LastContactResponse.newBuilder().setUnixNano(unixNano).build());
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> response) {
        RaftServerInfo leader = node.status().leader();
        String address = (leader != null && leader.address() != null) ? leader.address() : "";
        reply(response, LeaderResponse.newBuilder().setAddress(address).build());
    }

    @Override
    public void state(StateRequest request, StreamObserver<StateResponse> response) {
        StateResponse.State state = switch (node.status().role()) {
            case LEADER -> StateResponse.State.LEADER;
            case CANDIDATE -> StateResponse.State.CANDIDATE;
            case SHUTDOWN -> StateResponse.State.SHUTDOWN;
            // hashicorp/raft has no separate state for non-voters or servers not yet added: they follow.
            case FOLLOWER, NON_VOTER, INACTIVE -> StateResponse.State.FOLLOWER;
        };
        reply(response, StateResponse.newBuilder().setState(state).build());
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
        Map<String, String> stats = new LinkedHashMap<>(node.stats());
        // Not in hashicorp/raft's Stats: which node answered, so that a table of several nodes can name them.
        stats.putIfAbsent("node_id", node.nodeId());
        stats.putIfAbsent("raft_address", node.status().address());
        reply(response, StatsResponse.newBuilder().putAllStats(stats).build());
    }

    @Override
    public void getConfiguration(GetConfigurationRequest request,
            StreamObserver<GetConfigurationResponse> response) {
        RaftNodeStatus status = node.status();
        GetConfigurationResponse.Builder configuration = GetConfigurationResponse.newBuilder();
        for (RaftServerInfo server : status.servers()) {
            configuration.addServers(GetConfigurationResponse.Server.newBuilder()
                .setId(server.id())
                .setAddress((server.address() != null) ? server.address() : "")
                .setSuffrage(switch (server.suffrage()) {
                    case VOTER -> GetConfigurationResponse.Server.Suffrage.VOTER;
                    case NONVOTER -> GetConfigurationResponse.Server.Suffrage.NONVOTER;
                    case STAGING -> GetConfigurationResponse.Server.Suffrage.STAGING;
                }));
        }
        reply(response, configuration.build());
    }

    @Override
    public void await(Future request, StreamObserver<AwaitResponse> response) {
        CompletableFuture<Long> outcome = operation(request.getOperationToken());
        ServerCallStreamObserver<AwaitResponse> call = (ServerCallStreamObserver<AwaitResponse>) response;
        // Without a handler, answering a call the client has cancelled (or whose deadline passed) would throw.
        call.setOnCancelHandler(() -> logger.debug("Await of {} cancelled by the client", request.getOperationToken()));
        outcome.whenComplete((index, error) -> {
            if (call.isCancelled()) {
                return;
            }
            AwaitResponse.Builder result = AwaitResponse.newBuilder();
            if (error != null) {
                result.setError(describe(error));
            }
            else {
                result.setIndex(index);
            }
            call.onNext(result.build());
            call.onCompleted();
        });
    }

    @Override
    public void forget(Future request, StreamObserver<ForgetResponse> response) {
        String token = request.getOperationToken();
        checkToken(token);
        if (!operations.forget(token)) {
            throw unknownToken(token);
        }
        reply(response, ForgetResponse.getDefaultInstance());
    }

    private void enqueue(StreamObserver<Future> response, String method, Supplier<CompletableFuture<Long>> start) {
        CompletableFuture<Long> outcome;
        try {
            // The operation outlives this call: detach it from the call's gRPC context, whose cancellation at the
            // end of the call would otherwise cancel the engine's own gRPC calls made on this thread.
            outcome = Context.current().fork().wrap(start::get).call();
        }
        catch (IllegalArgumentException ex) {
            throw invalid(ex.getMessage());
        }
        catch (RaftException ex) {
            outcome = CompletableFuture.failedFuture(ex);
        }
        catch (RuntimeException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        String token = operations.register(outcome);
        logger.debug("RaftAdmin {} started as operation {}", method, token);
        reply(response, Future.newBuilder().setOperationToken(token).build());
    }

    private CompletableFuture<Void> onLeader(String operation) {
        RaftNodeStatus status = node.status();
        if (status.role() == RaftRole.LEADER) {
            return CompletableFuture.completedFuture(null);
        }
        RaftServerInfo leader = status.leader();
        String message = operation + " must run on the leader, and node '" + status.nodeId() + "' is not the leader; "
                + ((leader != null) ? "the leader is '" + leader.id() + "' at " + leader.address()
                        : "no leader is known right now");
        return CompletableFuture.failedFuture(new RaftException(
                (leader != null) ? RaftException.Reason.NOT_LEADER : RaftException.Reason.NO_LEADER, message,
                (leader != null) ? leader.id() : null, null));
    }

    private CompletableFuture<Long> operation(String token) {
        checkToken(token);
        return operations.find(token).orElseThrow(() -> unknownToken(token));
    }

    private static void checkToken(String token) {
        if (!OperationTable.isWellFormed(token)) {
            throw invalid("operation_token '" + token
                    + "' is not a token: expected the 40 hex characters an operation returned");
        }
    }

    private static StatusRuntimeException unknownToken(String token) {
        return Status.NOT_FOUND.withDescription("token \"" + token + "\" unknown").asRuntimeException();
    }

    /** The in-band error text of a failed operation: the engine's message, which names the leader if relevant. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RaftException || cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        logger.warn("RaftAdmin operation failed unexpectedly", cause);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static String requireId(String id, String field) {
        if (id.isBlank()) {
            throw invalid(field + " is empty: give the node id of the server");
        }
        return id;
    }

    private static String requireAddress(String address, String field) {
        try {
            return HostAndPort.parse(address).toString();
        }
        catch (IllegalArgumentException ex) {
            throw invalid(field + " " + ex.getMessage() + "; give the server's Raft address");
        }
    }

    private static long index(long value, String field) {
        if (value < 0) {
            throw invalid(field + " " + Long.toUnsignedString(value)
                    + " is beyond any log index; use 0 (don't care) or a configuration index");
        }
        return value;
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
