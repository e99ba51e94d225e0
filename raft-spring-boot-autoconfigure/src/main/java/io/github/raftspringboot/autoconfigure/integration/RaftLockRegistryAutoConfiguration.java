package io.github.raftspringboot.autoconfigure.integration;

import java.time.Duration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.kv.RaftLeasesAutoConfiguration;

/** A Spring Integration {@link LockRegistry} on Raft locks, when spring-integration-core is on the class path. */
@AutoConfiguration(after = RaftLeasesAutoConfiguration.class)
@ConditionalOnClass(LockRegistry.class)
@ConditionalOnBean(RaftLocks.class)
@EnableConfigurationProperties(RaftIntegrationProperties.class)
public final class RaftLockRegistryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    RaftLockRegistry raftLockRegistry(RaftLocks locks, RaftIntegrationProperties properties) {
        Duration ttl = properties.getLockTtl();
        if (ttl == null || ttl.compareTo(RaftLeases.MIN_TTL) < 0 || ttl.compareTo(RaftLeases.MAX_TTL) > 0) {
            throw new InvalidRaftPropertyException("raft.integration.lock-ttl", ttl, "a lock's lease lives from 1s to 24h",
                    "Set raft.integration.lock-ttl to a duration from 1s to 24h, e.g. 10s.");
        }
        return new RaftLockRegistry(locks, ttl);
    }
}
