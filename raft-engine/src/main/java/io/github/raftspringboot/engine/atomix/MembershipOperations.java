package io.github.raftspringboot.engine.atomix;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.operation.OperationId;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.cluster.impl.DefaultRaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.ConfigurationResponse;
import io.atomix.protocols.raft.protocol.JoinRequest;
import io.atomix.protocols.raft.protocol.LeaveRequest;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.ReconfigureRequest;
import io.atomix.protocols.raft.storage.system.Configuration;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;

/**
 * hashicorp/raft's membership and leadership operations on Atomix. They run on the leader, which hands the
 * request to its own Raft role as if a peer had sent it; Atomix then appends and commits the new configuration.
 */
final class MembershipOperations {

    private final RaftContext context;

    private final GrpcRaftTransport transport;

    private final PeerDirectory directory;

    private final RaftNodeSettings settings;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> submitSystem;

    private final ReconfigurationCheck safety;

    private final LeadershipHandover handover;

    private final RequestedElection election;

    MembershipOperations(RaftContext context, GrpcRaftTransport transport,
            PeerDirectory directory, RaftNodeSettings settings,
            BiFunction<OperationId, byte[], CompletableFuture<Long>> submitSystem, BooleanSupplier running) {
        this.context = context;
        this.transport = transport;
        this.directory = directory;
        this.settings = settings;
        this.submitSystem = submitSystem;
        this.safety = new ReconfigurationCheck(context, transport, settings);
        this.handover = new LeadershipHandover(this, context, transport, settings);
        this.election = new RequestedElection(context, settings.nodeId(), running);
    }

    CompletableFuture<Void> requireLeader(String operation) {
        if (context.isLeader()) {
            return CompletableFuture.completedFuture(null);
        }
        RaftMember leader = context.getLeader();
        String leaderId = (leader != null) ? leader.memberId().id() : null;
        String message = operation + " must run on the leader, and node '" + settings.nodeId()
                + "' is not the leader; " + ((leaderId != null)
                        ? "the leader is '" + leaderId + "' at " + directory.addressOf(leaderId)
                        : "no leader is known right now");
        return CompletableFuture.failedFuture(
                new RaftException((leaderId != null) ? Reason.NOT_LEADER : Reason.NO_LEADER, message, leaderId, null));
    }

    /**
     * AddVoter/AddNonvoter. The id and address are checked before anything else; an existing member keeps its
     * address unless the caller asked to replace it; the strict reconfiguration check runs before the change is
     * proposed (and before the address is recorded), so a refused change leaves the configuration as it was.
     */
    CompletableFuture<Long> addServer(String id, String address, long previousIndex, boolean voter,
            MembershipOptions options) {
        String operation = voter ? "AddVoter" : "AddNonvoter";
        requireId(id, operation);
        String target = RaftPeerAddress.parse(address, operation + " address").address();
        return guarded(operation, previousIndex).thenCompose(ignored -> {
            DefaultRaftMember existing = context.getCluster().getMember(MemberId.from(id));
            String current = directory.addressOf(id);
            boolean moves = existing != null && !target.equals(current);
            if (moves && current != null && !options.replaceAddress()) {
                throw new RaftException(Reason.ADDRESS_CONFLICT, operation + " refused: '" + id
                        + "' is already a member at " + current + ", not " + target + ". To move it to " + target
                        + ", ask for the replacement explicitly (\"replace\": true over HTTP, "
                        + "MembershipOptions.withReplaceAddress(true) in Java); to add another server, give it "
                        + "another id", leaderId(), null);
            }
            String sharer = memberAt(target, id);
            if (sharer != null) {
                // Two members at one address: messages for one reach the other (hashicorp/raft refuses it too).
                throw new RaftException(Reason.ADDRESS_CONFLICT, operation + " refused: " + target + " is the "
                        + "address of member '" + sharer + "'. Give '" + id + "' its own Raft address, or remove '"
                        + sharer + "' first", leaderId(), null);
            }
            if (moves && id.equals(settings.nodeId())) {
                throw new RaftException(Reason.INVALID_REQUEST, operation + ": '" + id + "' is the leader itself, at "
                        + current + "; its address comes from its own raft.advertise-address and raft.port");
            }
            boolean wasVoter = existing != null && existing.getType() == RaftMember.Type.ACTIVE;
            boolean becomesVoter = voter && !wasVoter;
            if (existing != null && !moves && !becomesVoter) {
                return CompletableFuture.completedFuture(context.getCluster().getConfiguration().index());
            }
            Set<String> votersAfter = voters();
            if (voter) {
                votersAfter.add(id);
            }
            String probe = (becomesVoter || moves) ? target : null;
            return safety.check(operation, id, probe, votersAfter, options)
                .thenCompose(checked -> registerAddresses(id, target))
                .thenCompose(registered -> {
                    if (existing == null) {
                        RaftMember.Type type = voter ? RaftMember.Type.ACTIVE : RaftMember.Type.PASSIVE;
                        JoinRequest request = JoinRequest.builder()
                            .withMember(new DefaultRaftMember(MemberId.from(id), type, Instant.now()))
                            .build();
                        return configurationChange(operation, transport.local(request));
                    }
                    if (becomesVoter) {
                        return reconfigure(operation, id, RaftMember.Type.ACTIVE);
                    }
                    return CompletableFuture.completedFuture(registered);
                });
        });
    }

    CompletableFuture<Long> demote(String id, long previousIndex, MembershipOptions options) {
        requireId(id, "DemoteVoter");
        return guarded("DemoteVoter", previousIndex).thenCompose(ignored -> {
            DefaultRaftMember existing = existing(id, "DemoteVoter");
            if (id.equals(settings.nodeId())) {
                throw new RaftException(Reason.INVALID_REQUEST, "DemoteVoter cannot demote the leader itself ('" + id
                        + "'): transfer leadership to another voter first, then demote it");
            }
            if (existing.getType() != RaftMember.Type.ACTIVE) {
                return CompletableFuture.completedFuture(context.getCluster().getConfiguration().index());
            }
            Set<String> votersAfter = voters();
            votersAfter.remove(id);
            return safety.check("DemoteVoter", id, null, votersAfter, options)
                .thenCompose(checked -> reconfigure("DemoteVoter", id, RaftMember.Type.PASSIVE));
        });
    }

    CompletableFuture<Long> remove(String id, long previousIndex, MembershipOptions options) {
        requireId(id, "RemoveServer");
        return guarded("RemoveServer", previousIndex).thenCompose(ignored -> {
            DefaultRaftMember existing = existing(id, "RemoveServer");
            if (id.equals(settings.nodeId())) {
                throw new RaftException(Reason.INVALID_REQUEST, "RemoveServer cannot remove the leader itself ('" + id
                        + "'): transfer leadership to another voter first, then remove it");
            }
            Set<String> votersAfter = voters();
            votersAfter.remove(id);
            return safety.check("RemoveServer", id, null, votersAfter, options).thenCompose(checked -> {
                LeaveRequest request = LeaveRequest.builder().withMember(existing).build();
                return configurationChange("RemoveServer", transport.local(request));
            });
        });
    }

    /** The ids of the voters of the current configuration. */
    /** The member other than {@code id} whose address is {@code address}, or {@code null}. */
    private String memberAt(String address, String id) {
        return context.getCluster().getMembers().stream()
            .map(member -> member.memberId().id())
            .filter(other -> !other.equals(id) && address.equals(directory.addressOf(other)))
            .findFirst()
            .orElse(null);
    }

    private Set<String> voters() {
        Set<String> voters = new TreeSet<>();
        context.getCluster()
            .getMembers()
            .stream()
            .filter(member -> member.getType() == RaftMember.Type.ACTIVE)
            .forEach(member -> voters.add(member.memberId().id()));
        return voters;
    }

    CompletableFuture<Long> transferLeadership(String target) {
        return handover.transfer(target);
    }

    /** Handles the membership control messages from other nodes. */
    CompletableFuture<ControlReply> onControl(ControlRequest request) {
        return switch (request.getRequestCase()) {
            case WHO_AM_I -> CompletableFuture.completedFuture(
                    ControlReply.newBuilder().setNodeId(settings.nodeId()).build());
            case ANOINT -> election.stand().thenApply(ignored -> ControlReply.newBuilder()
                .setIndex(context.getLogWriter().getLastIndex())
                .build());
            default -> CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Unknown control message " + request.getRequestCase()));
        };
    }

    /** Replicates member addresses through the log, so that every node, later joiners too, can reach them. */
    CompletableFuture<Long> registerAddresses(String id, String address) {
        directory.put(id, address);
        return submitSystem.apply(StateMachineService.REGISTER_ADDRESS,
                AtomixRaftEngine.utf8(id + "\n" + address));
    }

    private CompletableFuture<Void> guarded(String operation, long previousIndex) {
        if (previousIndex < 0) {
            return CompletableFuture.failedFuture(new RaftException(Reason.INVALID_REQUEST,
                    operation + ": previous_index must be 0 (don't care) or a configuration index, not "
                            + previousIndex));
        }
        return requireLeader(operation).thenRun(() -> {
            long latest = context.getCluster().getConfiguration().index();
            if (previousIndex > 0 && previousIndex != latest) {
                throw new RaftException(Reason.CONFIGURATION_CHANGED, operation + ": configuration changed since "
                        + previousIndex + " (latest is " + latest + ")");
            }
        });
    }

    private CompletableFuture<Long> reconfigure(String operation, String id, RaftMember.Type type) {
        Configuration configuration = context.getCluster().getConfiguration();
        ReconfigureRequest request = ReconfigureRequest.builder()
            .withIndex(configuration.index())
            .withTerm(configuration.term())
            .withMember(new DefaultRaftMember(MemberId.from(id), type, Instant.now()))
            .build();
        return configurationChange(operation, transport.local(request));
    }

    private CompletableFuture<Long> configurationChange(String operation,
            CompletableFuture<? extends ConfigurationResponse> response) {
        return response.handle((reply, error) -> {
            if (error != null) {
                throw AtomixErrors.translate(error, operation, leaderId());
            }
            if (reply.status() != RaftResponse.Status.OK) {
                throw AtomixErrors.fromResponse(reply.error(), operation, leaderId());
            }
            return reply.index();
        });
    }

    DefaultRaftMember existing(String id, String operation) {
        DefaultRaftMember member = context.getCluster().getMember(MemberId.from(id));
        if (member == null) {
            throw new RaftException(Reason.UNKNOWN_SERVER, operation + ": '" + id
                    + "' is not a member of the cluster configuration");
        }
        return member;
    }

    static void requireId(String id, String operation) {
        if (id == null || id.isBlank()) {
            throw new RaftException(Reason.INVALID_REQUEST, operation + ": the server id must not be empty");
        }
        RaftPeerAddress.checkNodeId(id, operation + " id");
    }

    String leaderId() {
        RaftMember leader = context.getLeader();
        return (leader != null) ? leader.memberId().id() : null;
    }
}
