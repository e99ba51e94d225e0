package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Bearer tokens that RaftAdmin and RaftBackup calls must carry as {@code authorization: Bearer <token>}
     * metadata (one, or a comma-separated list, e.g. the new and the old one while rotating). A client certificate
     * verified by mutual TLS ({@code spring.grpc.server.ssl.client-auth}) is accepted instead. Without a token,
     * these services answer loopback callers only (see {@code allow-remote-without-token}).
     */
    private List<String> token = new ArrayList<>();

    /**
     * Whether RaftAdmin and RaftBackup answer callers on other hosts when no token is set and the caller has no
     * client certificate. Only for a port that the network already restricts to administrators.
     */
    private boolean allowRemoteWithoutToken = false;

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

    public List<String> getToken() {
        return token;
    }

    public void setToken(List<String> token) {
        this.token = token;
    }

    public boolean isAllowRemoteWithoutToken() {
        return allowRemoteWithoutToken;
    }

    public void setAllowRemoteWithoutToken(boolean allowRemoteWithoutToken) {
        this.allowRemoteWithoutToken = allowRemoteWithoutToken;
    }
}
