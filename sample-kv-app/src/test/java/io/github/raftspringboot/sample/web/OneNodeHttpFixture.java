package io.github.raftspringboot.sample.web;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.FreePorts;

import static org.awaitility.Awaitility.await;

/**
 * The wiring the one-node HTTP tests of this package share (each still declares its own {@code @SpringBootTest}
 * and node id): a free Raft port, the node's HTTP port and {@link RaftNode}, and a leader before every test,
 * ahead of the test's own {@code @BeforeEach}.
 */
abstract class OneNodeHttpFixture {

    @LocalServerPort
    int port;

    @Autowired
    RaftNode node;

    @DynamicPropertySource
    static void raftPort(DynamicPropertyRegistry registry) {
        registry.add("raft.port", FreePorts::next);
    }

    @BeforeEach
    void leaderElected() {
        await().atMost(Duration.ofSeconds(30)).until(node::isLeader);
    }
}
