package io.github.raftspringboot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/** {@link RaftEngineCustomizer} beans: applied in order before the node starts, skipped for the application's engine. */
class RaftEngineCustomizerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class))
        .withPropertyValues("raft.node-id=solo", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1");

    @Test
    void customizersAreAppliedInOrderBeforeTheNodeStarts() {
        runner.withPropertyValues("raft.port=" + FreePorts.next())
            .withUserConfiguration(OrderedCustomizers.class)
            .run(context -> {
                assertThat(context).hasNotFailed();
                OrderedCustomizers customizers = context.getBean(OrderedCustomizers.class);
                assertThat(customizers.applied).containsExactly("first", "second");
                await().atMost(Duration.ofSeconds(30)).until(() -> customizers.roles.contains(RaftRole.LEADER));
                context.getBean(RaftKeyValueStore.class).put("k", 1);
                assertThat(customizers.appliedCommands).hasPositiveValue();
            });
    }

    @Test
    void customizersAreNotAppliedToTheApplicationsOwnEngine() {
        List<String> applied = new CopyOnWriteArrayList<>();
        runner.withBean(RaftEngine.class, () -> mock(RaftEngine.class))
            .withBean(RaftEngineCustomizer.class, () -> builder -> applied.add("customized"))
            .run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(RaftEngine.class);
                assertThat(applied).isEmpty();
            });
    }

    @Test
    void aDecoratorThatReturnsNoStateMachineFailsTheContextSayingSo() {
        runner.withPropertyValues("raft.port=" + FreePorts.next())
            .withBean(RaftEngineCustomizer.class, () -> builder -> builder.stateMachine(machine -> null))
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .hasStackTraceContaining("state machine decorator returned null"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedCustomizers {

        final List<String> applied = new CopyOnWriteArrayList<>();

        final List<RaftRole> roles = new CopyOnWriteArrayList<>();

        final AtomicInteger appliedCommands = new AtomicInteger();

        @Bean
        @Order(2)
        RaftEngineCustomizer second() {
            return builder -> {
                applied.add("second");
                builder.stateMachine(machine -> new Counting(machine, appliedCommands));
            };
        }

        @Bean
        @Order(1)
        RaftEngineCustomizer first() {
            return builder -> {
                applied.add("first");
                builder.listener(new RaftEngineListener() {
                    @Override
                    public void roleChanged(RaftRole previous, RaftRole current, long term) {
                        roles.add(current);
                    }
                });
            };
        }
    }

    /** A decorator that counts the commands the log applies and hands every call on. */
    private record Counting(ReplicatedStateMachine delegate, AtomicInteger count) implements ReplicatedStateMachine {

        @Override
        public byte[] apply(long index, byte[] command) {
            count.incrementAndGet();
            return delegate.apply(index, command);
        }

        @Override
        public String validate(byte[] command) {
            return delegate.validate(command);
        }

        @Override
        public byte[] query(byte[] query) {
            return delegate.query(query);
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            delegate.snapshot(out);
        }

        @Override
        public void restore(InputStream in) throws IOException {
            delegate.restore(in);
        }
    }
}
