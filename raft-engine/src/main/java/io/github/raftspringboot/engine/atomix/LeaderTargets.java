package io.github.raftspringboot.engine.atomix;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;

/**
 * Where {@link LeaderAwaitingClientProtocol} sends a request: the leader this node knows of, unless its connection
 * failed since it was last elected or answered.
 */
final class LeaderTargets {

    private final RaftContext context;

    /** Members whose connection failed since they were last elected or answered. */
    private final Set<MemberId> unreachable = ConcurrentHashMap.newKeySet();

    LeaderTargets(RaftContext context) {
        this.context = context;
    }

    /**
     * The leader this node knows of, rather than the member Atomix's client picked: the client keeps using one
     * member until it fails, and a follower that is paused (GC, SIGSTOP) neither answers nor fails, so every call
     * would wait for the request timeout. Going to the leader also saves the follower's forwarding hop.
     */
    MemberId target(MemberId chosen) {
        MemberId id = knownLeader();
        return (id != null && !unreachable.contains(id)) ? id : chosen;
    }

    /** The leader this node knows of, or {@code null}. */
    MemberId knownLeader() {
        RaftMember leader = context.getLeader();
        return (leader != null) ? leader.memberId() : null;
    }

    /** The leader, if known and not seen unreachable, and not {@code failed} unless elected in a later term. */
    MemberId usableLeader(MemberId failed, long termAtFailure) {
        MemberId id = knownLeader();
        boolean usable = id != null && !unreachable.contains(id)
                && (!id.equals(failed) || context.getTerm() > termAtFailure);
        return usable ? id : null;
    }

    /** Its connection failed. */
    void unreachable(MemberId member) {
        unreachable.add(member);
    }

    /** It answered, or was elected: it is up. */
    void reached(MemberId member) {
        unreachable.remove(member);
    }
}
