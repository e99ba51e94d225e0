package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

import static org.assertj.core.api.Assertions.assertThat;

class RaftHealthIndicatorTest {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private static final RaftServerInfo LEADER = new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final StubRaftNode node = new StubRaftNode();

    private final LeaderContactTracker tracker = new LeaderContactTracker(clock);

    private final RaftHealthIndicator indicator = new RaftHealthIndicator(node, tracker, GRACE, clock);

    @Test
    void upOnAFollowerThatHearsFromItsLeaderWithDetails() {
        clock.advance(Duration.ofMinutes(1));
        node.setStatus(StubRaftNode.status(RaftRole.FOLLOWER, LEADER, clock.instant().minusMillis(50)));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("role", RaftRole.FOLLOWER)
            .containsEntry("leader", "node1")
            .containsEntry("leaderAddress", "127.0.0.1:12001")
            .containsEntry("term", 7L)
            .containsEntry("commitIndex", 40L)
            .containsEntry("appliedIndex", 38L)
            .containsEntry("applyLag", 2L)
            .containsEntry("millisSinceLeaderContact", 50L);
    }

    @Test
    void upOnTheLeader() {
        node.setStatus(StubRaftNode.status(RaftRole.LEADER, LEADER, null));
        clock.advance(Duration.ofHours(1));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void staysUpDuringAnElectionShorterThanTheGracePeriodThenGoesDown() {
        Instant contact = clock.instant();
        node.setStatus(StubRaftNode.status(RaftRole.CANDIDATE, null, contact));
        tracker.onLeaderChanged(new RaftLeaderChangedEvent("node2", null, null, 8));
        clock.advance(GRACE);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        clock.advance(Duration.ofMillis(1));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("reason")).startsWith("No leader for 10001 ms")
            .contains("raft.health.leader-grace-period (10000 ms)");
    }

    @Test
    void aLeaderThatStepsDownGetsAFullGracePeriod() {
        // A leader never records contact with a leader: the step-down event is its last sight of one.
        node.setStatus(StubRaftNode.status(RaftRole.FOLLOWER, null, null));
        clock.advance(Duration.ofMinutes(5));
        tracker.onRoleChanged(new RaftRoleChangedEvent("node2", RaftRole.LEADER, RaftRole.FOLLOWER, 8));
        clock.advance(GRACE.minusSeconds(1));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.advance(Duration.ofSeconds(2));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void downWhenTheKnownLeaderIsSilentForTooLong() {
        node.setStatus(StubRaftNode.status(RaftRole.FOLLOWER, LEADER, clock.instant()));
        clock.advance(GRACE.plusSeconds(5));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("reason")).startsWith("No contact with leader 'node1' for 15000 ms");
    }

    @Test
    void downWhenANodeWasNeverAddedToACluster() {
        node.setStatus(StubRaftNode.status(RaftRole.INACTIVE, null, null));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.advance(GRACE.plusSeconds(1));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("reason")).contains("has not been part of a cluster")
            .contains("/actuator/raft/add-voter");
    }

    @Test
    void downWhenRaftIsNotRunning() {
        node.setStatus(StubRaftNode.status(RaftRole.SHUTDOWN, null, null));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", "Raft is not running on node 'node2'");
    }

    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
