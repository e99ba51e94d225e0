package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the {@code raft} health indicator ({@code raft.health.*}). */
@ConfigurationProperties("raft.health")
public class RaftHealthProperties {

    /**
     * How long a node may be without a leader it hears from before its health is DOWN. Covers a normal leader
     * election, so that health does not flap while one runs; keep it several election timeouts long.
     */
    private Duration leaderGracePeriod = Duration.ofSeconds(10);

    public Duration getLeaderGracePeriod() {
        return leaderGracePeriod;
    }

    public void setLeaderGracePeriod(Duration leaderGracePeriod) {
        this.leaderGracePeriod = leaderGracePeriod;
    }
}
