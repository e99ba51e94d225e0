package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.management.MBeanServer;
import javax.management.MBeanException;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The {@code raft} endpoint's operations over JMX, as documented in docs/actuator.md. */
class RaftEndpointJmxTest {

    private static final RaftServerInfo NODE1 = new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER);

    @Test
    void readsAndWritesThroughTheRaftMBean() {
        RaftNode node = mock(RaftNode.class);
        RaftNode leader = mock(RaftNode.class);
        when(node.viaLeader()).thenReturn(leader);
        when(node.status()).thenReturn(new RaftNodeStatus("node1", "127.0.0.1:12001", RaftRole.LEADER, 4, NODE1, 9, 9,
                9, 4, 0, 0, null, 1, List.of(NODE1), Instant.now()));
        when(node.stats()).thenReturn(Map.of("state", "Leader"));
        when(leader.demoteVoter("node2", 0L, MembershipOptions.defaults()))
            .thenReturn(CompletableFuture.completedFuture(12L));
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
                    JacksonEndpointAutoConfiguration.class, JmxEndpointAutoConfiguration.class,
                    RaftEndpointAutoConfiguration.class))
            .withBean(RaftNode.class, () -> node)
            .withPropertyValues("spring.jmx.enabled=true", "spring.jmx.unique-names=true",
                    "management.endpoints.jmx.exposure.include=raft", "management.endpoints.jmx.domain=raft.jmx.test")
            .run(context -> {
                MBeanServer server = context.getBean(MBeanServer.class);
                ObjectName name = server.queryNames(new ObjectName("raft.jmx.test:type=Endpoint,name=Raft,*"), null)
                    .iterator()
                    .next();
                Map<?, ?> status = (Map<?, ?>) server.invoke(name, "node", new Object[0], new String[0]);
                assertThat(status.get("id")).isEqualTo("node1");
                assertThat(status.get("role")).isEqualTo("LEADER");
                assertThat(status.get("term")).isEqualTo(4L);

                Map<?, ?> demoted = (Map<?, ?>) server.invoke(name, "change",
                        new Object[] { "demote", "node2", null, null, null, null },
                        new String[] { String.class.getName(), String.class.getName(), String.class.getName(),
                                Long.class.getName(), Boolean.class.getName(), Boolean.class.getName() });
                assertThat(demoted.get("index")).isEqualTo(12L);
                verify(leader).demoteVoter("node2", 0L, MembershipOptions.defaults());

                assertThatThrownBy(() -> server.invoke(name, "change", new Object[] { "demote", null, null, null, null, null },
                        new String[] { String.class.getName(), String.class.getName(), String.class.getName(),
                                Long.class.getName(), Boolean.class.getName(), Boolean.class.getName() }))
                    .isInstanceOf(MBeanException.class)
                    .rootCause()
                    .hasMessageContaining("demote needs the server's \"id\"");
            });
    }
}
