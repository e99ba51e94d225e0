package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of the {@code raft} health indicator ({@code raft.health.*}). */
@ConfigurationProperties("raft.health")
public class RaftHealthProperties {

    /**
     * How long this node may be without a reachable leader before it reports DOWN. Long enough to ride out a
     * normal election without flapping. Defaults to three times {@code raft.election-timeout}.
     */
    private Duration leaderGracePeriod;

    public Duration getLeaderGracePeriod() {
        return leaderGracePeriod;
    }

    public void setLeaderGracePeriod(Duration leaderGracePeriod) {
        this.leaderGracePeriod = leaderGracePeriod;
    }
}
