package io.github.raftspringboot.autoconfigure;

/**
 * Checks on membership changes (AddVoter, AddNonvoter, DemoteVoter, RemoveServer) ({@code raft.membership.*};
 * a group of {@link RaftProperties}).
 */
public class RaftMembershipProperties {

    /**
     * Whether the leader refuses a membership change that could cost the cluster its quorum (as etcd's
     * --strict-reconfig-check): a voter that is added, promoted or moved must answer on its Raft port, and a
     * quorum of the voters after the change must have answered the leader recently. A request can still
     * override it with force.
     */
    private boolean strictReconfigCheck = true;

    public boolean isStrictReconfigCheck() {
        return strictReconfigCheck;
    }

    public void setStrictReconfigCheck(boolean strictReconfigCheck) {
        this.strictReconfigCheck = strictReconfigCheck;
    }
}
