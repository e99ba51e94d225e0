package io.github.raftspringboot.autoconfigure.kv;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftElections;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftProperties;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.kv.KeyValueStores;
import io.github.raftspringboot.engine.lock.LeaseElections;
import io.github.raftspringboot.engine.lock.LeaseLocks;

/**
 * Leases, and the locks and named elections built on them (docs/coordination.md), over the key-value store's state machine: a
 * {@link RaftLeases} bean, a {@link RaftLocks} bean and a {@link RaftElections} bean.
 */
@AutoConfiguration(after = { RaftKeyValueStoreAutoConfiguration.class, RaftAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@ConditionalOnBean(RaftKeyValueStore.class)
public final class RaftLeasesAutoConfiguration {

    /** How often the leader looks for leases whose TTL ran out: the most an expiry can be late by, plus commit. */
    static final Duration EXPIRY_TICK = Duration.ofMillis(100);

    @Bean
    @ConditionalOnMissingBean
    RaftLeases raftLeases(RaftEngine engine,
            @Qualifier(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME) ReplicatedStateMachine stateMachine,
            ObjectProvider<JsonMapper> mapper, RaftProperties properties) {
        return KeyValueStores.leases(engine, stateMachine, mapper.getIfAvailable(JsonMapper::new),
                RaftKeyValueStoreAutoConfiguration.limits(properties), properties.getRequestTimeout(), EXPIRY_TICK);
    }

    @Bean
    @ConditionalOnMissingBean
    RaftLocks raftLocks(RaftLeases leases, RaftKeyValueStore store, RaftNode node) {
        return new LeaseLocks(leases, store, node.nodeId());
    }

    @Bean
    @ConditionalOnMissingBean
    RaftElections raftElections(RaftLocks locks) {
        return new LeaseElections(locks);
    }
}
