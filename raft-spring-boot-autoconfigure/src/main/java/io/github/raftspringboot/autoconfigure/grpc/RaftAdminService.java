package io.github.raftspringboot.autoconfigure.grpc;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.admin.proto.AddNonvoterRequest;
import io.github.raftspringboot.admin.proto.AddVoterRequest;
import io.github.raftspringboot.admin.proto.AppliedIndexRequest;
import io.github.raftspringboot.admin.proto.AppliedIndexResponse;
import io.github.raftspringboot.admin.proto.ApplyLogRequest;
import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.BarrierRequest;
import io.github.raftspringboot.admin.proto.DemoteVoterRequest;
import io.github.raftspringboot.admin.proto.ForgetResponse;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.GetConfigurationRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.LastContactRequest;
import io.github.raftspringboot.admin.proto.LastContactResponse;
import io.github.raftspringboot.admin.proto.LastIndexRequest;
import io.github.raftspringboot.admin.proto.LastIndexResponse;
import io.github.raftspringboot.admin.proto.LeaderRequest;
import io.github.raftspringboot.admin.proto.LeaderResponse;
import io.github.raftspringboot.admin.proto.LeadershipTransferRequest;
import io.github.raftspringboot.admin.proto.LeadershipTransferToServerRequest;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.RemoveServerRequest;
import io.github.raftspringboot.admin.proto.ShutdownRequest;
import io.github.raftspringboot.admin.proto.SnapshotRequest;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.github.raftspringboot.admin.proto.StatsResponse;
import io.github.raftspringboot.admin.proto.VerifyLeaderRequest;
import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;

/**
 * The RaftAdmin gRPC service (wire-compatible with raftadmin) over the local {@link RaftNode}, with hashicorp/raft's
 * semantics: leader-only operations started on a follower fail in-band naming the leader; they are not forwarded.
 */
final class RaftAdminService extends RaftAdminGrpc.RaftAdminImplBase {

    private static final Logger logger = LoggerFactory.getLogger(RaftAdminService.class);

    /**
     * hashicorp/raft's AddVoter/AddNonvoter update the address of a server that is already a member; the wire keeps
     * that, behind the strict reconfiguration check (the new address must answer as that server).
     */
    private static final MembershipOptions HASHICORP_ADD = MembershipOptions.defaults().withReplaceAddress(true);

    private final RaftNode node;

    private final RaftAdminOperations operations;

    RaftAdminService(RaftNode node, RaftAdminOperations operations) {
        this.node = node;
        this.operations = operations;
    }

    @Override
    public void addVoter(AddVoterRequest request, StreamObserver<Future> response) {
        start(response, () -> {
            String id = RaftAdminRequests.serverId(request.getId());
            String address = RaftAdminRequests.address(request.getAddress());
            long previousIndex = RaftAdminRequests.previousIndex(request.getPreviousIndex());
            return () -> node.addVoter(id, address, previousIndex, HASHICORP_ADD);
        });
    }

    @Override
    public void addNonvoter(AddNonvoterRequest request, StreamObserver<Future> response) {
        start(response, () -> {
            String id = RaftAdminRequests.serverId(request.getId());
            String address = RaftAdminRequests.address(request.getAddress());
            long previousIndex = RaftAdminRequests.previousIndex(request.getPreviousIndex());
            return () -> node.addNonVoter(id, address, previousIndex, HASHICORP_ADD);
        });
    }

    @Override
    public void demoteVoter(DemoteVoterRequest request, StreamObserver<Future> response) {
        start(response, () -> {
            String id = RaftAdminRequests.serverId(request.getId());
            long previousIndex = RaftAdminRequests.previousIndex(request.getPreviousIndex());
            return () -> node.demoteVoter(id, previousIndex);
        });
    }

    @Override
    public void removeServer(RemoveServerRequest request, StreamObserver<Future> response) {
        start(response, () -> {
            String id = RaftAdminRequests.serverId(request.getId());
            long previousIndex = RaftAdminRequests.previousIndex(request.getPreviousIndex());
            return () -> node.removeServer(id, previousIndex);
        });
    }

    @Override
    public void applyLog(ApplyLogRequest request, StreamObserver<Future> response) {
        start(response, () -> {
            byte[] command = RaftAdminRequests.command(request.getData());
            return () -> onLeader("ApplyLog").thenCompose(ignored -> node.applyCommand(command));
        });
    }

    @Override
    public void barrier(BarrierRequest request, StreamObserver<Future> response) {
        start(response, () -> node::barrier);
    }

    @Override
    public void verifyLeader(VerifyLeaderRequest request, StreamObserver<Future> response) {
        start(response, () -> node::verifyLeader);
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<Future> response) {
        start(response, () -> node::snapshot);
    }

    @Override
    public void leadershipTransfer(LeadershipTransferRequest request, StreamObserver<Future> response) {
        start(response, () -> node::transferLeadership);
    }

    @Override
    public void leadershipTransferToServer(LeadershipTransferToServerRequest request,
            StreamObserver<Future> response) {
        start(response, () -> {
            String id = RaftAdminRequests.serverId(request.getId());
            String address = RaftAdminRequests.address(request.getAddress());
            return () -> transferTo(id, address);
        });
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<Future> response) {
        start(response, () -> () -> node.shutdown().thenApply(ignored -> 0L));
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
    public void getConfiguration(GetConfigurationRequest request, StreamObserver<GetConfigurationResponse> response) {
        reply(response, RaftAdminResponses.configuration(node.status()));
    }

    @Override
    public void lastContact(LastContactRequest request, StreamObserver<LastContactResponse> response) {
        reply(response, RaftAdminResponses.lastContact(node.status()));
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> response) {
        reply(response, RaftAdminResponses.leader(node.status()));
    }

    @Override
    public void state(StateRequest request, StreamObserver<StateResponse> response) {
        reply(response, RaftAdminResponses.state(node.status()));
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
        reply(response, RaftAdminResponses.stats(node));
    }

    @Override
    public void await(Future request, StreamObserver<AwaitResponse> response) {
        String token;
        try {
            token = RaftAdminRequests.token(request.getOperationToken());
        }
        catch (StatusRuntimeException ex) {
            response.onError(ex);
            return;
        }
        CompletableFuture<AwaitResponse> result = operations.get(token);
        if (result == null) {
            response.onError(RaftAdminRequests.unknownToken(token));
            return;
        }
        // Answer when the operation finishes, off the gRPC thread; a cancelled call (deadline, client gone)
        // is not answered.
        ServerCallStreamObserver<AwaitResponse> call = (ServerCallStreamObserver<AwaitResponse>) response;
        call.setOnCancelHandler(() -> logger.debug("Await of {} cancelled by the caller", token));
        result.whenComplete((outcome, failure) -> {
            if (call.isCancelled()) {
                return;
            }
            call.onNext(outcome);
            call.onCompleted();
        });
    }

    @Override
    public void forget(Future request, StreamObserver<ForgetResponse> response) {
        try {
            String token = RaftAdminRequests.token(request.getOperationToken());
            if (!operations.forget(token)) {
                throw RaftAdminRequests.unknownToken(token);
            }
        }
        catch (StatusRuntimeException ex) {
            response.onError(ex);
            return;
        }
        reply(response, ForgetResponse.getDefaultInstance());
    }

    /**
     * The engine carries raw commands from a follower to the leader; hashicorp/raft's Apply does not, and
     * raftadmin clients rely on learning who leads instead.
     */
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

    /** hashicorp/raft checks the address too: a transfer to a known id at another address is refused. */
    private CompletableFuture<Long> transferTo(String id, String address) {
        RaftServerInfo target = node.status().servers().stream()
            .filter(server -> server.id().equals(id))
            .findFirst()
            .orElse(null);
        if (target != null && !target.address().equals(address)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("server '" + id + "' has address "
                    + target.address() + ", not " + address + ": check GetConfiguration"));
        }
        return node.transferLeadership(id);
    }

    private void start(StreamObserver<Future> response, Supplier<Supplier<CompletableFuture<Long>>> request) {
        Supplier<CompletableFuture<Long>> operation;
        try {
            operation = request.get();
        }
        catch (StatusRuntimeException ex) {
            response.onError(ex);
            return;
        }
        // The operation outlives this call: run it outside the call's gRPC Context, which is cancelled as soon as
        // the token is returned and would otherwise cancel the engine's own gRPC calls made on its behalf.
        Context detached = Context.ROOT.attach();
        String token;
        try {
            token = operations.start(operation);
        }
        finally {
            Context.ROOT.detach(detached);
        }
        reply(response, Future.newBuilder().setOperationToken(token).build());
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
