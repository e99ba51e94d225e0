package io.github.raftspringboot.autoconfigure.leader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.support.SmartLifecycleRoleController;

import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Integration's leader events on Raft: a lifecycle in the {@code raft-leader} role of Spring Integration's
 * {@link SmartLifecycleRoleController} runs on the leader only, follows a leadership transfer, and {@code yield()} of
 * the event's context hands leadership over.
 */
class RaftIntegrationLeaderEventsTest {

    @Test
    void roleLifecyclesFollowTheLeaderAndYieldTransfersLeadership(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(RoleApplication.class).nodes(3)
            .stateDirectory(dir)
            .start()) {
            String first = cluster.awaitLeader();
            awaitOnlyRunningOn(cluster, first);
            LeaderEvents events = cluster.bean(first, LeaderEvents.class);
            assertThat(events.all).first().isInstanceOfSatisfying(OnGrantedEvent.class, granted -> {
                assertThat(granted.getRole()).isEqualTo("raft-leader");
                assertThat(granted.getContext().isLeader()).isTrue();
            });

            String second = cluster.followers().get(0);
            RaftFutures.await(cluster.node(first).transferLeadership(second), Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> second.equals(cluster.awaitLeader()));
            awaitOnlyRunningOn(cluster, second);

            OnGrantedEvent granted = (OnGrantedEvent) cluster.bean(second, LeaderEvents.class).all.stream()
                .filter(OnGrantedEvent.class::isInstance)
                .reduce((a, b) -> b)
                .orElseThrow();
            granted.getContext().yield();
            await().atMost(Duration.ofSeconds(30)).until(() -> !second.equals(cluster.awaitLeader()));
            awaitOnlyRunningOn(cluster, cluster.awaitLeader());
        }
    }

    private static void awaitOnlyRunningOn(RaftTestCluster cluster, String leader) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : cluster.running()) {
                assertThat(cluster.bean(id, LeaderWork.class).isRunning()).as("leader work running on %s", id)
                    .isEqualTo(id.equals(leader));
            }
        });
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableIntegration
    static class RoleApplication {

        @Bean
        LeaderWork leaderWork(SmartLifecycleRoleController roles) {
            LeaderWork work = new LeaderWork();
            roles.addLifecycleToRole("raft-leader", work);
            return work;
        }

        @Bean
        LeaderEvents leaderEvents() {
            return new LeaderEvents();
        }
    }

    /** Work that must run on one node of the cluster: started and stopped by the role controller. */
    static class LeaderWork implements SmartLifecycle {

        private volatile boolean running;

        @Override
        public boolean isAutoStartup() {
            return false;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    static class LeaderEvents {

        final List<AbstractLeaderEvent> all = new CopyOnWriteArrayList<>();

        @EventListener
        void on(AbstractLeaderEvent event) {
            all.add(event);
        }
    }
}
