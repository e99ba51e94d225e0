package io.github.raftspringboot.autoconfigure.actuate;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of the {@code raft} Actuator endpoint's web features ({@code raft.actuator.*}). */
@ConfigurationProperties("raft.actuator")
public class RaftActuatorProperties {

    private final Backup backup = new Backup();

    public Backup getBackup() {
        return backup;
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
