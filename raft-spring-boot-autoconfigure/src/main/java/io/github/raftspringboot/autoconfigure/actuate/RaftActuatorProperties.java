package io.github.raftspringboot.autoconfigure.actuate;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of the {@code raft} Actuator endpoint's web features ({@code raft.actuator.*}). */
@ConfigurationProperties("raft.actuator")
public class RaftActuatorProperties {

    private final Backup backup = new Backup();

    private final Security security = new Security();

    public Backup getBackup() {
        return backup;
    }

    public Security getSecurity() {
        return security;
    }

    /**
     * Who may call the {@code raft} endpoint's write operations and download a backup over HTTP, when Spring
     * Security is on the classpath.
     */
    public static class Security {

        /**
         * Whether to add the security filter chain that requires an authenticated caller with
         * {@code authority} for {@code POST}/{@code DELETE /actuator/raft/...} and {@code GET /actuator/raft/backup}.
         */
        private boolean enabled = true;

        /** The authority (e.g. {@code RAFT_ADMIN}, or {@code ROLE_ADMIN} for a role) the caller needs. */
        private String authority = "RAFT_ADMIN";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getAuthority() {
            return authority;
        }

        public void setAuthority(String authority) {
            this.authority = authority;
        }
    }

    /** {@code GET /actuator/raft/backup}, the backup download. */
    public static class Backup {

        /**
         * Whether {@code GET /actuator/raft/backup} downloads a backup of the whole replicated state. Anyone with
         * read access to the {@code raft} endpoint can then read all the data: turn it off when read access is
         * given to monitoring only.
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
