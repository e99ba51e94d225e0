package io.github.raftspringboot.autoconfigure.integration;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code raft.integration.*}: Spring Integration on Raft. */
@ConfigurationProperties("raft.integration")
public class RaftIntegrationProperties {

    /**
     * The role named in the leader events, as SmartLifecycleRoleController and @Role("...") endpoints use it.
     */
    private String role = RaftIntegrationAutoConfiguration.DEFAULT_ROLE;

    private final LeaderEvents leaderEvents = new LeaderEvents();

    /**
     * The TTL of the lease behind each lock of the Spring Integration LockRegistry: how long a holder that died keeps
     * the lock. The holder keeps it alive every third of it. From 1s to 24h.
     */
    private Duration lockTtl = Duration.ofSeconds(10);

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public Duration getLockTtl() {
        return lockTtl;
    }

    public void setLockTtl(Duration lockTtl) {
        this.lockTtl = lockTtl;
    }

    public LeaderEvents getLeaderEvents() {
        return leaderEvents;
    }

    public static class LeaderEvents {

        /**
         * Whether to publish Spring Integration's OnGrantedEvent/OnRevokedEvent on Raft leadership changes.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
