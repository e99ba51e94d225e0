package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader's beats: sent to a follower only while a request of the leader to it is unanswered for a heartbeat
 * interval or more, with the request's term, and no longer once the follower has answered nothing for the give-up
 * time; and the follower's side, which counts a leader heard only for its term and only within the window.
 */
class LeaderBeatsTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    private static final Duration GIVE_UP = Duration.ofMillis(400);

    @Test
    void beatsGoOnlyToAFollowerWithAnUnansweredRequest() {
        List<String> beats = new CopyOnWriteArrayList<>();
        try (LeaderBeats leader = new LeaderBeats(INTERVAL, Duration.ofMinutes(1), (member, term) -> {
            beats.add(member + "@" + term);
            return CompletableFuture.completedFuture(null);
        })) {
            leader.start("test");
            leader.track("fast", 3, new CompletableFuture<>()).complete("ok");
            CompletableFuture<String> slow = leader.track("slow", 3, new CompletableFuture<>());

            await().atMost(Duration.ofSeconds(5)).until(() -> beats.size() >= 3);
            slow.complete("ok");
            int sent = beats.size();
            assertThat(beats).containsOnly("slow@3");
            // Answered: no more beats (at most one that was on its way).
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> beats.size() <= sent + 1);
        }
    }

    @Test
    void beatsStopOnceTheFollowerHasAnsweredNothingForTheGiveUpTime() {
        AtomicLong lastBeat = new AtomicLong();
        try (LeaderBeats leader = new LeaderBeats(INTERVAL, GIVE_UP, (member, term) -> {
            lastBeat.set(System.nanoTime());
            return CompletableFuture.completedFuture(null);
        })) {
            leader.start("test");
            long tracked = System.nanoTime();
            leader.track("silent", 4, new CompletableFuture<>());
            await().atMost(Duration.ofSeconds(5)).until(() -> lastBeat.get() != 0);
            // Past the give-up time, and for 300 ms more, no beat is sent: the follower is free to elect a leader.
            long limit = tracked + GIVE_UP.toNanos() + INTERVAL.toNanos();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> System.nanoTime() > limit && lastBeat.get() <= limit);
        }
    }

    @Test
    void aLeaderCountsAsHeardOnlyForItsTermAndWithinTheWindow() {
        LeaderContact contact = new LeaderContact();
        assertThat(contact.heardWithin(1, Duration.ofSeconds(1))).isFalse();
        assertThat(contact.millisSinceHeard()).isEqualTo(-1);
        contact.heard(5);
        assertThat(contact.heardWithin(5, Duration.ofSeconds(10))).isTrue();
        assertThat(contact.heardWithin(4, Duration.ofSeconds(10))).as("a leader of a later term than the poll's")
            .isTrue();
        assertThat(contact.heardWithin(6, Duration.ofSeconds(10))).as("a leader of an older term").isFalse();
        assertThat(contact.heardWithin(5, Duration.ZERO)).isFalse();
        contact.heard(4);
        assertThat(contact.term()).as("an old leader's message does not count").isEqualTo(5);
    }
}
