package io.github.raftspringboot.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftNodeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@code raft.transport.dial-overrides}: bound by peer id into the node's settings, and every bad entry refused at
 * start-up naming the property. (That the transport dials them is shown by the partition tests, which route every
 * link through a proxy this way.)
 */
class DialOverridesPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class))
        .withBean(RaftEngine.class, () -> mock(RaftEngine.class))
        .withPropertyValues("raft.node-id=node1", "raft.storage=memory",
                "raft.peers=node1@127.0.0.1:12001,node2@127.0.0.1:12002,node.3@127.0.0.1:12003");

    @Test
    void overridesReachTheSettingsByPeerId() {
        runner.withPropertyValues("raft.transport.dial-overrides.node2=127.0.0.1:31002",
                    "raft.transport.dial-overrides[node.3]= proxy.internal:31003 ")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(RaftNodeSettings.class).dialOverrides())
                    .isEqualTo(Map.of("node2", "127.0.0.1:31002", "node.3", "proxy.internal:31003"));
            });
    }

    @Test
    void noOverridesByDefault() {
        runner.run(context -> assertThat(context.getBean(RaftNodeSettings.class).dialOverrides()).isEmpty());
    }

    @Test
    void aMalformedAddressFailsNamingTheProperty() {
        runner.withPropertyValues("raft.transport.dial-overrides.node2=127.0.0.1")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.transport.dial-overrides.node2")
                .hasMessageContaining("must have the form host:port"));
    }

    @Test
    void aPortOutOfRangeFails() {
        runner.withPropertyValues("raft.transport.dial-overrides.node2=127.0.0.1:70000")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("not between 1 and 65535"));
    }

    @Test
    void anOverrideForThisNodeFails() {
        runner.withPropertyValues("raft.transport.dial-overrides.node1=127.0.0.1:31001")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("names this node ('node1')"));
    }
}
