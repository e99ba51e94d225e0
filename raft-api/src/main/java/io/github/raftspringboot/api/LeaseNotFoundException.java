package io.github.raftspringboot.api;

/** The lease named does not exist: it was never granted, or it expired or was revoked. */
public class LeaseNotFoundException extends RaftException {

    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        super(Reason.INVALID_REQUEST, "Lease " + leaseId + " does not exist: it expired, was revoked, or was never "
                + "granted; grant a new one");
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
