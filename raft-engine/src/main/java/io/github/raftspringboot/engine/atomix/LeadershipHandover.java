package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.cluster.impl.DefaultRaftMember;
import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.atomix.peer.Anoint;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;

/**
 * hashicorp/raft's LeadershipTransfer on Atomix: the leader waits for the target to hold every entry it had when asked,
 * then asks it (a control message) to take over, and the target runs Atomix's own transfer (it asks the leader to commit up to
 * its last entry and step down, then stands for election).
 * <p>
 * Why wait: Atomix's leader steps down once its last entry is committed, by any majority, not once the target has it.
 * A target that lacks the last entries (it just started, or was cut off) then loses its election to the voters that
 * have them, and one of those is elected instead after its timer: a CI run saw node3 asked to hand over to node1 right
 * after its election, node1 refused by both others, and node2 elected half a second later. etcd and hashicorp/raft
 * also let the transferee catch up first.
 */
final class LeadershipHandover {

    private static final Logger logger = LoggerFactory.getLogger(LeadershipHandover.class);

    /** Tries however long each took: the first one, right after an election, can take seconds to fail. */
    private static final int MIN_ATTEMPTS = 3;

    /** How often a transfer looks again whether its target holds the leader's last entry. */
    private static final Duration CATCH_UP_CHECK = Duration.ofMillis(10);

    private final MembershipOperations membership;

    private final RaftContext context;

    private final GrpcRaftTransport transport;

    private final RaftNodeSettings settings;

    LeadershipHandover(MembershipOperations membership, RaftContext context, GrpcRaftTransport transport,
            RaftNodeSettings settings) {
        this.membership = membership;
        this.context = context;
        this.transport = transport;
        this.settings = settings;
    }

    /** Hands the leadership to {@code target}, or to the most up-to-date other voter when null. */
    CompletableFuture<Long> transfer(String target) {
        return membership.requireLeader("LeadershipTransfer").thenCompose(ignored -> {
            String chosen = (target != null) ? validTransferTarget(target) : mostUpToDateVoter();
            long giveUpAt = System.nanoTime() + transferPatience().toNanos();
            return anoint(chosen, giveUpAt, 1);
        });
    }

    /**
     * How long a transfer keeps asking its target: a target that has just started, rejoined or been elected past
     * may fail its first tries (the leader must first commit up to its last entry for it), and a transfer asked
     * right after an election used to fail after three tries in 300 ms.
     */
    private Duration transferPatience() {
        Duration twoElections = settings.electionTimeout().multipliedBy(2);
        Duration threeBeats = settings.heartbeatInterval().multipliedBy(3);
        return (twoElections.compareTo(threeBeats) > 0) ? twoElections : threeBeats;
    }

    /**
     * Asks {@code target} to take over, each heartbeat until it does or this node stops leading, at least
     * {@link #MIN_ATTEMPTS} times and for {@link #transferPatience()}.
     */
    private CompletableFuture<Long> anoint(String target, long giveUpAt, int attempt) {
        return caughtUp(MemberId.from(target), giveUpAt)
            .thenCompose(ignored -> transport.control(target,
                    ControlRequest.newBuilder().setAnoint(Anoint.getDefaultInstance()).build()))
            .thenApply(ControlReply::getIndex)
            .handle((index, error) -> {
                if (error == null) {
                    return CompletableFuture.completedFuture(index);
                }
                if (!context.isLeader() && target.equals(membership.leaderId())) {
                    // The target took over, and only its answer was lost or late.
                    return CompletableFuture.completedFuture(context.getCommitIndex());
                }
                if (context.isLeader() && (attempt < MIN_ATTEMPTS || System.nanoTime() < giveUpAt)) {
                    Executor later = CompletableFuture.delayedExecutor(settings.heartbeatInterval().toMillis(),
                            TimeUnit.MILLISECONDS);
                    return CompletableFuture.supplyAsync(() -> null, later)
                        .thenCompose(ignored -> anoint(target, giveUpAt, attempt + 1));
                }
                return CompletableFuture.<Long>failedFuture(transferFailed(target, attempt, error));
            })
            .thenCompose(result -> result);
    }

    /**
     * Completes once {@code target}'s match index reaches the leader's last log index as it is now, or at
     * {@code giveUpAt} (the target is asked all the same, and Atomix's transfer decides), or when this node no longer
     * leads. The index is fixed when the wait begins, so that entries written meanwhile (a leader under load) do not
     * keep it waiting. Checked on the Raft thread, which owns both indexes.
     */
    private CompletableFuture<Void> caughtUp(MemberId target, long giveUpAt) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        checkCaughtUp(target, -1, giveUpAt, done);
        return done;
    }

    private void checkCaughtUp(MemberId target, long required, long giveUpAt, CompletableFuture<Void> done) {
        try {
            context.getThreadContext().execute(() -> {
                long last = (required >= 0) ? required : context.getLogWriter().getLastIndex();
                RaftMemberContext state = context.getCluster().getMemberState(target);
                if (state == null || !context.isLeader() || System.nanoTime() >= giveUpAt
                        || state.getMatchIndex() >= last) {
                    done.complete(null);
                    return;
                }
                CompletableFuture.delayedExecutor(CATCH_UP_CHECK.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> checkCaughtUp(target, last, giveUpAt, done));
            });
        }
        catch (RuntimeException ex) {
            // The Raft thread refused the check (the node is stopping): the transfer goes on and fails as it would.
            logger.debug("Could not check whether {} holds the leader's last entry: {}", target, ex.toString());
            done.complete(null);
        }
    }

    private RaftException transferFailed(String target, int attempts, Throwable error) {
        String operation = "LeadershipTransfer to '" + target + "'";
        if (!context.isLeader()) {
            // Another election came first: say so rather than what the last try saw.
            String leader = membership.leaderId();
            return new RaftException((leader != null) ? Reason.NOT_LEADER : Reason.NO_LEADER, operation
                    + ": node '" + settings.nodeId() + "' lost the leadership meanwhile; the leader is now "
                    + ((leader != null) ? "'" + leader + "'" : "unknown (an election is in progress)"), leader,
                    AtomixErrors.unwrap(error));
        }
        Throwable cause = AtomixErrors.unwrap(error);
        if (cause instanceof RaftException refused) {
            return refused;
        }
        if (unanswered(cause)) {
            // A 503, like etcd's leader-transfer timeout: the cluster is fine, the target is not there to take over.
            return new RaftException(Reason.TIMEOUT, operation + " failed after " + attempts
                    + ((attempts == 1) ? " try" : " tries") + ": '" + target + "' did not answer ("
                    + AtomixErrors.reasonOf(cause) + "); it may be stopped or cut off from the leader. Node '"
                    + settings.nodeId() + "' is still the leader: start '" + target + "', or hand the leadership to "
                    + "another voter", settings.nodeId(), cause);
        }
        Reason reason = (cause instanceof TimeoutException) ? Reason.TIMEOUT : Reason.INTERNAL;
        return new RaftException(reason, operation + " failed after " + attempts
                + ((attempts == 1) ? " try" : " tries") + " (" + AtomixErrors.reasonOf(cause) + "); node '"
                + settings.nodeId() + "' is still the leader. A member that has just started or rejoined may still "
                + "be catching up with the log: retry in a moment", settings.nodeId(), cause);
    }

    /** The target was not reached, or did not answer in time: the transport's UNAVAILABLE or DEADLINE_EXCEEDED. */
    private static boolean unanswered(Throwable cause) {
        io.grpc.Status.Code code = io.grpc.Status.fromThrowable(cause).getCode();
        return cause instanceof TimeoutException || code == io.grpc.Status.Code.UNAVAILABLE
                || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    }

    private String validTransferTarget(String target) {
        MembershipOperations.requireId(target, "LeadershipTransferToServer");
        DefaultRaftMember member = membership.existing(target, "LeadershipTransferToServer");
        if (target.equals(settings.nodeId())) {
            throw new RaftException(Reason.INVALID_REQUEST,
                    "LeadershipTransferToServer: '" + target + "' is already the leader");
        }
        if (member.getType() != RaftMember.Type.ACTIVE) {
            throw new RaftException(Reason.INVALID_REQUEST, "LeadershipTransferToServer: '" + target
                    + "' is not a voter and cannot lead; make it a voter with AddVoter first");
        }
        return target;
    }

    private String mostUpToDateVoter() {
        return context.getCluster()
            .getActiveMemberStates()
            .stream()
            .max(Comparator.comparingLong(RaftMemberContext::getMatchIndex))
            .map(state -> state.getMember().memberId().id())
            .orElseThrow(() -> new RaftException(Reason.INVALID_REQUEST,
                    "LeadershipTransfer: there is no other voter to hand leadership to"));
    }
}
