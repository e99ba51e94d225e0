package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.github.raftspringboot.engine.atomix.peer.WhoAmI;

/**
 * etcd's {@code --strict-reconfig-check} for our membership changes: a voter that is added, promoted or moved must
 * answer on its Raft port (as the node id it is added under), and after the change at least a quorum of the voters
 * must be reachable, counting the voters the leader heard from recently. {@link MembershipOptions#force()} or
 * {@code raft.membership.strict-reconfig-check=false} skips it.
 */
final class ReconfigurationCheck {

    /** Upper bound of the probe of a new voter: it is one round trip on loopback or a LAN. */
    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private static final String OVERRIDE = "; to make the change anyway, repeat it with force (\"force\": true over "
            + "HTTP, MembershipOptions.withForce(true) in Java) or set raft.membership.strict-reconfig-check=false";

    private final RaftContext context;

    private final GrpcRaftTransport transport;

    private final RaftNodeSettings settings;

    ReconfigurationCheck(RaftContext context, GrpcRaftTransport transport, RaftNodeSettings settings) {
        this.context = context;
        this.transport = transport;
        this.settings = settings;
    }

    /**
     * Completes when the change may go ahead; fails with {@link Reason#UNSAFE_RECONFIGURATION} saying why otherwise.
     *
     * @param operation   the operation, for the message
     * @param id          the server the change concerns
     * @param probe       the address {@code id} must answer on (a voter added, promoted or moved), or {@code null}
     * @param votersAfter the voters of the configuration after the change
     */
    CompletableFuture<Void> check(String operation, String id, String probe, Set<String> votersAfter,
            MembershipOptions options) {
        if (!settings.strictReconfigCheck() || options.force()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Boolean> answered = (probe == null) ? CompletableFuture.completedFuture(false)
                : probe(operation, id, probe).thenApply(ignored -> true);
        return answered.thenAccept(probed -> requireQuorum(operation, id, probed, votersAfter));
    }

    private CompletableFuture<Void> probe(String operation, String id, String address) {
        Duration timeout = settings.requestTimeout().compareTo(MAX_PROBE_TIMEOUT) < 0 ? settings.requestTimeout()
                : MAX_PROBE_TIMEOUT;
        // Probed where this node would dial it: through its dial override, if it has one.
        String dialled = settings.dialOverrides().getOrDefault(id, address);
        return transport.controlAt(dialled, ControlRequest.newBuilder().setWhoAmI(WhoAmI.getDefaultInstance()).build(),
                timeout)
            .thenApply(ControlReply::getNodeId)
            .handle((answeredAs, error) -> {
            if (error != null) {
                throw new RaftException(Reason.UNSAFE_RECONFIGURATION, operation + " refused: '" + id
                        + "' does not answer on its Raft port at " + address + " ("
                        + AtomixErrors.unwrap(error).getMessage() + "). Start the node first (a new node with "
                        + "raft.bootstrap=false) and check the address" + OVERRIDE);
            }
            if (!answeredAs.equals(id)) {
                throw new RaftException(Reason.UNSAFE_RECONFIGURATION, operation + " refused: " + address
                        + " answers as node '" + answeredAs + "', not '" + id + "'. Check the id and the address"
                        + OVERRIDE);
            }
            return null;
        });
    }

    private void requireQuorum(String operation, String id, boolean probed, Set<String> votersAfter) {
        Set<String> reachable = new TreeSet<>();
        Set<String> unreachable = new TreeSet<>();
        long recent = System.currentTimeMillis() - recentContactWindow().toMillis();
        for (String voter : votersAfter) {
            boolean answers = voter.equals(id) && probed || voter.equals(settings.nodeId())
                    || !voter.equals(id) && heardSince(voter, recent);
            (answers ? reachable : unreachable).add(voter);
        }
        int quorum = votersAfter.size() / 2 + 1;
        if (reachable.size() < quorum) {
            throw new RaftException(Reason.UNSAFE_RECONFIGURATION, operation + " of '" + id + "' refused: afterwards "
                    + "the cluster would have " + votersAfter.size() + " voters " + votersAfter + " and a quorum needs "
                    + quorum + ", but only " + reachable.size() + " " + reachable + " answered the leader in the last "
                    + recentContactWindow().toMillis() + " ms (unreachable: " + unreachable + "). Bring the "
                    + "unreachable voters back first, or remove them" + OVERRIDE);
        }
    }

    private boolean heardSince(String voter, long sinceMillis) {
        RaftMemberContext state = context.getCluster().getMemberState(MemberId.from(voter));
        // A node that just went down still has a recent response time, but the leader's next request to it fails.
        return state != null && state.getResponseTime() >= sinceMillis && state.getFailureCount() == 0;
    }

    /**
     * A voter counts as reachable if it answered the leader within two election timeouts and the leader's requests
     * to it have not failed since.
     */
    private Duration recentContactWindow() {
        return settings.electionTimeout().multipliedBy(2);
    }
}
