package io.github.raftspringboot.api;

/**
 * How a membership change is checked before it is proposed (see docs/operations.md, "Membership safety").
 *
 * @param replaceAddress allow AddVoter/AddNonvoter to move a server that is already a member to a new address
 *                       (hashicorp/raft's semantics); without it such a request is refused with
 *                       {@link RaftException.Reason#ADDRESS_CONFLICT}
 * @param force          skip the strict reconfiguration check ({@code raft.membership.strict-reconfig-check}): the
 *                       new voter need not answer on its Raft port, and the change may leave fewer reachable voters
 *                       than a quorum
 */
public record MembershipOptions(boolean replaceAddress, boolean force) {

    private static final MembershipOptions DEFAULTS = new MembershipOptions(false, false);

    /** Every check on: an existing member keeps its address, and the strict reconfiguration check applies. */
    public static MembershipOptions defaults() {
        return DEFAULTS;
    }

    /** These options, allowing an existing member's address to change. */
    public MembershipOptions withReplaceAddress(boolean replace) {
        return new MembershipOptions(replace, force);
    }

    /** These options, skipping the strict reconfiguration check. */
    public MembershipOptions withForce(boolean skipChecks) {
        return new MembershipOptions(replaceAddress, skipChecks);
    }
}
