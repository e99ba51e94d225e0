package io.github.raftspringboot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.statemachine.RoutedStateMachines;
import io.github.raftspringboot.engine.statemachine.StateMachineRouter;

/**
 * Auto-configures the local Raft node from {@code raft.*} properties: its resolved settings, the engine (which is
 * the application's {@link io.github.raftspringboot.api.RaftNode}) and the lifecycle that starts and stops it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftProperties.class)
public final class RaftAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftNodeSettings raftNodeSettings(RaftProperties properties) {
        return RaftNodeSettingsResolver.resolve(properties);
    }

    /**
     * Every {@link ReplicatedStateMachine} bean on the one log, named by its bean name; the key-value store's runs as
     * {@link RaftStateMachines#KEY_VALUE} and takes the commands that name no state machine.
     */
    @Bean
    @ConditionalOnMissingBean
    StateMachineRouter raftStateMachineRouter(Map<String, ReplicatedStateMachine> machines) {
        Map<String, ReplicatedStateMachine> named = new LinkedHashMap<>();
        ReplicatedStateMachine keyValue = machines.get(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME);
        if (keyValue != null) {
            named.put(RaftStateMachines.KEY_VALUE, keyValue);
        }
        machines.forEach((bean, machine) -> {
            if (!bean.equals(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME)) {
                named.put(bean, machine);
            }
        });
        if (named.isEmpty()) {
            throw new IllegalStateException("No ReplicatedStateMachine bean: the key-value store's is off, so "
                    + "define a state machine for the Raft log to drive");
        }
        return new StateMachineRouter(named, (keyValue != null) ? RaftStateMachines.KEY_VALUE : null);
    }

    /** The engine, after every {@link RaftEngineCustomizer} bean has been applied in order. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RaftEngine raftEngine(RaftNodeSettings settings, StateMachineRouter stateMachines, RaftProperties properties,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<RaftEngineCustomizer> customizers) {
        PeerTls tls = PeerTlsFactory.create(properties.getTls(), sslBundles.getIfAvailable());
        RaftEngineBuilder builder = new RaftEngineBuilder(settings, stateMachines.stateMachine(), tls);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        PeerTlsFactory.warnIfExposed(settings, builder.peerTls());
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    RaftStateMachines raftStateMachines(RaftEngine engine, StateMachineRouter router, RaftNodeSettings settings) {
        return new RoutedStateMachines(engine, router, settings.requestTimeout().toMillis());
    }

    @Bean
    @ConditionalOnMissingBean
    RaftEngineLifecycle raftEngineLifecycle(RaftEngine engine, ApplicationContext applicationContext) {
        return new RaftEngineLifecycle(engine, applicationContext);
    }
}
