package io.github.raftspringboot.autoconfigure.kv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.RaftProperties;
import io.github.raftspringboot.engine.RaftEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** {@code raft.snapshot.format}: the format the store's state machine writes its snapshots in, and a bad value. */
class RaftKeyValueStoreAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftKeyValueStoreAutoConfiguration.class))
        .withUserConfiguration(BoundProperties.class)
        .withBean(RaftEngine.class, () -> mock(RaftEngine.class));

    @Test
    void snapshotsAreBinaryByDefault() {
        runner.run(context -> assertThat(snapshotOf(context)).startsWith("RAFTKV/3"));
    }

    @Test
    void snapshotFormatJsonWritesRaftKv2() {
        runner.withPropertyValues("raft.snapshot.format=json")
            .run(context -> assertThat(snapshotOf(context))
                .startsWith("{\"format\":\"raft-kv/2\",\"entries\":{\"k\":"));
    }

    @Test
    void anUnknownFormatFailsTheStartNamingTheProperty() {
        runner.withPropertyValues("raft.snapshot.format=yaml")
            .run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("raft.snapshot.format")
                .hasStackTraceContaining("yaml"));
    }

    private static String snapshotOf(AssertableApplicationContext context) throws Exception {
        assertThat(context).hasNotFailed();
        ReplicatedStateMachine store = context.getBean(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME,
                ReplicatedStateMachine.class);
        store.apply(1, "{\"op\":\"put\",\"key\":\"k\",\"value\":\"v\"}".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.snapshot(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RaftProperties.class)
    static class BoundProperties {
    }
}
