package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

import static org.assertj.core.api.Assertions.assertThat;

/** The grace period logic of {@link RaftHealthIndicator}, on a scripted node and clock. */
class RaftHealthIndicatorTest {

    private static final RaftServerInfo LEADER = new RaftServerInfo("node1", "127.0.0.1:1", Suffrage.VOTER);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final ScriptedNode node = new ScriptedNode();

    private final RaftHealthIndicator indicator = new RaftHealthIndicator(node, Duration.ofSeconds(3), clock);

    @Test
    void staysUpThroughAnElectionShorterThanTheGracePeriod() {
        node.state(RaftRole.FOLLOWER, LEADER, clock.instant());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        clock.advance(Duration.ofMillis(500));
        node.state(RaftRole.CANDIDATE, null, clock.instant().minusMillis(500));
        clock.advance(Duration.ofSeconds(2));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        node.state(RaftRole.FOLLOWER, LEADER, clock.instant());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void isDownOnceNoLeaderHasBeenHeardFromForLongerThanTheGracePeriod() {
        node.state(RaftRole.FOLLOWER, LEADER, clock.instant());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        Instant lastContact = clock.instant();
        node.state(RaftRole.CANDIDATE, null, lastContact);
        clock.advance(Duration.ofMillis(3100));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("role", "CANDIDATE")
            .containsEntry("leader", "none")
            .containsKey("reason");
        assertThat((String) health.getDetails().get("reason")).contains("No reachable leader for 3100 ms");
    }

    @Test
    void isDownWhenAFollowerStopsHearingFromItsLeader() {
        node.state(RaftRole.FOLLOWER, LEADER, clock.instant());
        clock.advance(Duration.ofSeconds(4));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void givesAStartingNodeTheGracePeriodAndThenSaysItIsNotAMember() {
        node.state(RaftRole.INACTIVE, null, null);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.advance(Duration.ofSeconds(5));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("reason")).contains("not a member of a cluster");
    }

    @Test
    void isDownAtOnceWhenRaftIsNotRunning() {
        node.state(RaftRole.SHUTDOWN, null, null);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void reportsTheApplyLag() {
        node.state(RaftRole.LEADER, LEADER, null);
        node.commitIndex = 10;
        node.appliedIndex = 7;
        assertThat(indicator.health().getDetails()).containsEntry("applyLag", 3L).containsEntry("commitIndex", 10L);
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
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A node whose status the test sets; operations are not used by the indicator. */
    final class ScriptedNode implements RaftNode {

        RaftRole role = RaftRole.FOLLOWER;

        RaftServerInfo leader;

        Instant lastContact;

        long commitIndex = 5;

        long appliedIndex = 5;

        void state(RaftRole role, RaftServerInfo leader, Instant lastContact) {
            this.role = role;
            this.leader = leader;
            this.lastContact = lastContact;
        }

        @Override
        public String nodeId() {
            return "node2";
        }

        @Override
        public RaftNodeStatus status() {
            return new RaftNodeStatus("node2", "127.0.0.1:2", role, 3, leader, commitIndex, appliedIndex, commitIndex, 3,
                    0, 0, lastContact, 1, List.of(LEADER), clock.instant());
        }

        @Override
        public Map<String, String> stats() {
            return Map.of();
        }

        @Override
        public CompletableFuture<Long> addVoter(String id, String address, long previousIndex,
                io.github.raftspringboot.api.MembershipOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex,
                io.github.raftspringboot.api.MembershipOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> demoteVoter(String id, long previousIndex,
                io.github.raftspringboot.api.MembershipOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> removeServer(String id, long previousIndex,
                io.github.raftspringboot.api.MembershipOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> transferLeadership() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> transferLeadership(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> barrier() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> verifyLeader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> snapshot() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> applyCommand(byte[] command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<io.github.raftspringboot.api.RaftBackup> backup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> restore(io.github.raftspringboot.api.RaftBackup backup) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RaftNode viaLeader() {
            return this;
        }
    }
}
