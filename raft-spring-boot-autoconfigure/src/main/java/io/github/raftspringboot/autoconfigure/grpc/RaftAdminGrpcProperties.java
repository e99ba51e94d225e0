package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The RaftAdmin gRPC service ({@code raft.grpc.admin.*}). */
@ConfigurationProperties("raft.grpc.admin")
public class RaftAdminGrpcProperties {

    /** Whether to expose the RaftAdmin gRPC service on the application's gRPC server. */
    private boolean enabled = true;

    /**
     * How long the result of a finished operation is kept for Await after it finished (or was last awaited).
     * Clients that never call Forget do not make the table grow without bound.
     */
    private Duration tokenTtl = Duration.ofMinutes(5);

    /**
     * The most operations (running or finished, not yet forgotten) kept at once; beyond it the least recently
     * used are dropped and Await on their token answers NOT_FOUND.
     */
    private long maxOperations = 10_000;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getTokenTtl() {
        return tokenTtl;
    }

    public void setTokenTtl(Duration tokenTtl) {
        this.tokenTtl = tokenTtl;
    }

    public long getMaxOperations() {
        return maxOperations;
    }

    public void setMaxOperations(long maxOperations) {
        this.maxOperations = maxOperations;
    }
}
