package io.github.raftspringboot.engine.atomix;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.engine.ApiCallbacks;
import io.github.raftspringboot.engine.atomix.peer.AddServer;
import io.github.raftspringboot.engine.atomix.peer.ApplyCommand;
import io.github.raftspringboot.engine.atomix.peer.Barrier;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.github.raftspringboot.engine.atomix.peer.Failure;
import io.github.raftspringboot.engine.atomix.peer.ForwardedOperation;
import io.github.raftspringboot.engine.atomix.peer.LeadershipTransfer;
import io.github.raftspringboot.engine.atomix.peer.MembershipFlags;
import io.github.raftspringboot.engine.atomix.peer.ServerChange;
import io.github.raftspringboot.engine.atomix.peer.Snapshot;
import io.github.raftspringboot.engine.atomix.peer.VerifyLeader;

/**
 * The {@link RaftNode#viaLeader()} view: leader-only operations run locally on the leader and are otherwise sent
 * to it as a {@link ForwardedOperation} control message, which the leader runs as its own.
 */
final class LeaderForwardingNode implements RaftNode {

    private final AtomixRaftEngine local;

    private final GrpcRaftTransport transport;

    private final Supplier<String> leaderId;

    LeaderForwardingNode(AtomixRaftEngine local, GrpcRaftTransport transport, Supplier<String> leaderId) {
        this.local = local;
        this.transport = transport;
        this.leaderId = leaderId;
    }

    /** Runs a forwarded operation on this node, which the sender believes to be the leader. */
    static CompletableFuture<ControlReply> run(RaftNode node, ForwardedOperation operation) {
        CompletableFuture<Long> result;
        try {
            result = operation(node, operation);
        }
        catch (RuntimeException ex) {
            result = CompletableFuture.failedFuture(ex);
        }
        // A failure travels back as the RaftException's parts, so that the caller throws the same exception.
        return result.handle((index, error) -> {
            if (error == null) {
                return ControlReply.newBuilder().setIndex(index).build();
            }
            RaftException failure = AtomixErrors.translate(error, name(operation), null);
            return ControlReply.newBuilder()
                .setFailure(Failure.newBuilder()
                    .setReason(failure.reason().name())
                    .setLeaderId((failure.leaderId() != null) ? failure.leaderId() : "")
                    .setMessage(String.valueOf(failure.getMessage())))
                .build();
        });
    }

    private static CompletableFuture<Long> operation(RaftNode node, ForwardedOperation operation) {
        return switch (operation.getOperationCase()) {
            case ADD_VOTER -> node.addVoter(operation.getAddVoter().getId(), operation.getAddVoter().getAddress(),
                    operation.getAddVoter().getPreviousIndex(), options(operation.getAddVoter().getOptions()));
            case ADD_NON_VOTER -> node.addNonVoter(operation.getAddNonVoter().getId(),
                    operation.getAddNonVoter().getAddress(), operation.getAddNonVoter().getPreviousIndex(),
                    options(operation.getAddNonVoter().getOptions()));
            case DEMOTE_VOTER -> node.demoteVoter(operation.getDemoteVoter().getId(),
                    operation.getDemoteVoter().getPreviousIndex(), options(operation.getDemoteVoter().getOptions()));
            case REMOVE_SERVER -> node.removeServer(operation.getRemoveServer().getId(),
                    operation.getRemoveServer().getPreviousIndex(), options(operation.getRemoveServer().getOptions()));
            case TRANSFER_LEADERSHIP -> operation.getTransferLeadership().hasId()
                    ? node.transferLeadership(operation.getTransferLeadership().getId()) : node.transferLeadership();
            case BARRIER -> node.barrier();
            case VERIFY_LEADER -> node.verifyLeader();
            case SNAPSHOT -> node.snapshot();
            case APPLY_COMMAND -> node.applyCommand(operation.getApplyCommand().getCommand().toByteArray());
            case OPERATION_NOT_SET -> CompletableFuture.failedFuture(
                    new IllegalArgumentException("A forwarded operation names no operation"));
        };
    }

    /** The operation's name as hashicorp/raft's API calls it, for error messages: {@code addVoter}, ... */
    private static String name(ForwardedOperation operation) {
        String[] words = operation.getOperationCase().name().toLowerCase().split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    private CompletableFuture<Long> forward(Supplier<CompletableFuture<Long>> locally, ForwardedOperation operation) {
        if (local.isLeader()) {
            return locally.get();
        }
        String what = name(operation);
        String leader = leaderId.get();
        if (leader == null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.NO_LEADER,
                    what + " failed: no leader is known right now; retry once one is elected"));
        }
        // The leader's reply arrives on a transport thread: the application's callbacks run on ApiCallbacks' threads.
        ControlRequest request = ControlRequest.newBuilder().setForward(operation).build();
        return ApiCallbacks.complete(transport.control(leader, request)
            .handle((reply, error) -> {
                if (error != null) {
                    throw AtomixErrors.translate(error, what + " on the leader '" + leader + "'", leader);
                }
                if (reply.hasFailure()) {
                    Failure failure = reply.getFailure();
                    throw new RaftException(RaftException.Reason.valueOf(failure.getReason()), failure.getMessage(),
                            failure.getLeaderId().isEmpty() ? leader : failure.getLeaderId(), null);
                }
                return reply.getIndex();
            }));
    }

    @Override
    public String nodeId() {
        return local.nodeId();
    }

    @Override
    public RaftNodeStatus status() {
        return local.status();
    }

    @Override
    public Map<String, String> stats() {
        return local.stats();
    }

    @Override
    public CompletableFuture<Long> addVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        RaftPeerAddress.parse(address, "AddVoter address");
        return forward(() -> local.addVoter(id, address, previousIndex, options), ForwardedOperation.newBuilder()
            .setAddVoter(addServer(id, address, previousIndex, options))
            .build());
    }

    @Override
    public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        RaftPeerAddress.parse(address, "AddNonvoter address");
        return forward(() -> local.addNonVoter(id, address, previousIndex, options), ForwardedOperation.newBuilder()
            .setAddNonVoter(addServer(id, address, previousIndex, options))
            .build());
    }

    @Override
    public CompletableFuture<Long> demoteVoter(String id, long previousIndex, MembershipOptions options) {
        return forward(() -> local.demoteVoter(id, previousIndex, options), ForwardedOperation.newBuilder()
            .setDemoteVoter(serverChange(id, previousIndex, options))
            .build());
    }

    @Override
    public CompletableFuture<Long> removeServer(String id, long previousIndex, MembershipOptions options) {
        return forward(() -> local.removeServer(id, previousIndex, options), ForwardedOperation.newBuilder()
            .setRemoveServer(serverChange(id, previousIndex, options))
            .build());
    }

    @Override
    public CompletableFuture<Long> transferLeadership() {
        return forward(local::transferLeadership, ForwardedOperation.newBuilder()
            .setTransferLeadership(LeadershipTransfer.getDefaultInstance())
            .build());
    }

    @Override
    public CompletableFuture<Long> transferLeadership(String id) {
        return forward(() -> local.transferLeadership(id), ForwardedOperation.newBuilder()
            .setTransferLeadership(LeadershipTransfer.newBuilder().setId(required(id)))
            .build());
    }

    @Override
    public CompletableFuture<Long> barrier() {
        return forward(local::barrier,
                ForwardedOperation.newBuilder().setBarrier(Barrier.getDefaultInstance()).build());
    }

    @Override
    public CompletableFuture<Long> verifyLeader() {
        return forward(local::verifyLeader,
                ForwardedOperation.newBuilder().setVerifyLeader(VerifyLeader.getDefaultInstance()).build());
    }

    @Override
    public CompletableFuture<Long> snapshot() {
        return forward(local::snapshot,
                ForwardedOperation.newBuilder().setSnapshot(Snapshot.getDefaultInstance()).build());
    }

    @Override
    public CompletableFuture<Long> applyCommand(byte[] command) {
        if (command == null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST,
                    "the command must not be null"));
        }
        return forward(() -> local.applyCommand(command), ForwardedOperation.newBuilder()
            .setApplyCommand(ApplyCommand.newBuilder().setCommand(ByteString.copyFrom(command)))
            .build());
    }

    /** Backups and restores work on any node: they are not forwarded. */
    @Override
    public CompletableFuture<RaftBackup> backup() {
        return local.backup();
    }

    @Override
    public CompletableFuture<Long> restore(RaftBackup backup) {
        return local.restore(backup);
    }

    @Override
    public java.util.List<io.github.raftspringboot.api.RaftOperationProgress> operationsInProgress() {
        return local.operationsInProgress();
    }

    @Override
    public long backupTo(java.io.OutputStream out) throws java.io.IOException {
        return local.backupTo(out);
    }

    @Override
    public long restoreFrom(java.io.InputStream in) throws java.io.IOException {
        return local.restoreFrom(in);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return local.shutdown();
    }

    @Override
    public RaftNode viaLeader() {
        return this;
    }

    private static AddServer addServer(String id, String address, long previousIndex, MembershipOptions options) {
        return AddServer.newBuilder()
            .setId(required(id))
            .setAddress(required(address))
            .setPreviousIndex(previousIndex)
            .setOptions(flags(options))
            .build();
    }

    private static ServerChange serverChange(String id, long previousIndex, MembershipOptions options) {
        return ServerChange.newBuilder()
            .setId(required(id))
            .setPreviousIndex(previousIndex)
            .setOptions(flags(options))
            .build();
    }

    private static MembershipFlags flags(MembershipOptions options) {
        return MembershipFlags.newBuilder()
            .setReplaceAddress(options.replaceAddress())
            .setForce(options.force())
            .build();
    }

    private static MembershipOptions options(MembershipFlags flags) {
        return new MembershipOptions(flags.getReplaceAddress(), flags.getForce());
    }

    /** Protobuf strings cannot be null; the leader checks the value itself and says what is wrong with it. */
    private static String required(String value) {
        if (value == null) {
            throw new IllegalArgumentException("the server id and address must not be null");
        }
        return value;
    }
}
