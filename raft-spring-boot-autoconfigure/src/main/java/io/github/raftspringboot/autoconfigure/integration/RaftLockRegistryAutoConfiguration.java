package io.github.raftspringboot.autoconfigure.integration;

import java.time.Duration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.autoconfigure.kv.RaftLeasesAutoConfiguration;

/** A Spring Integration {@link LockRegistry} on Raft locks, when spring-integration-core is on the class path. */
@AutoConfiguration(after = RaftLeasesAutoConfiguration.class)
@ConditionalOnClass(LockRegistry.class)
@ConditionalOnBean(RaftLocks.class)
public final class RaftLockRegistryAutoConfiguration {

    /** The TTL of a registry lock's lease: how long a dead holder keeps the lock. */
    public static final Duration LOCK_TTL = Duration.ofSeconds(10);

    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    RaftLockRegistry raftLockRegistry(RaftLocks locks) {
        return new RaftLockRegistry(locks, LOCK_TTL);
    }
}
