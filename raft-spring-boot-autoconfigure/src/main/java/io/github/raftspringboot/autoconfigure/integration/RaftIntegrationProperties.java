package io.github.raftspringboot.autoconfigure.integration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code raft.integration.*}: Spring Integration on Raft. */
@ConfigurationProperties("raft.integration")
public class RaftIntegrationProperties {

    /**
     * The role named in the leader events, as SmartLifecycleRoleController and @Role("...") endpoints use it.
     */
    private String role = RaftIntegrationAutoConfiguration.DEFAULT_ROLE;

    private final LeaderEvents leaderEvents = new LeaderEvents();

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
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
