package io.github.raftspringboot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.atomix.AtomixRaftEngine;

/**
 * Auto-configures the local Raft node from {@code raft.*} properties: its resolved settings, the engine (which is
 * the application's {@link io.github.raftspringboot.api.RaftNode}) and the lifecycle that starts and stops it.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftProperties.class)
public final class RaftAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftNodeSettings raftNodeSettings(RaftProperties properties) {
        return RaftNodeSettingsResolver.resolve(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RaftEngine raftEngine(RaftNodeSettings settings, ReplicatedStateMachine stateMachine) {
        return new AtomixRaftEngine(settings, stateMachine);
    }

    @Bean
    @ConditionalOnMissingBean
    RaftEngineLifecycle raftEngineLifecycle(RaftEngine engine, ApplicationContext applicationContext) {
        return new RaftEngineLifecycle(engine, applicationContext);
    }
}
