package io.github.raftspringboot.autoconfigure.kv;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftLimitsProperties;
import io.github.raftspringboot.autoconfigure.RaftProperties;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.kv.KeyValueStores;
import io.github.raftspringboot.engine.kv.StoreLimits;
import io.github.raftspringboot.engine.kv.StoreSnapshotFormat;

/**
 * Auto-configures the replicated JSON key-value store: the state machine the Raft log drives and the
 * {@link RaftKeyValueStore} bean over it. Values are read and written with the application's {@link JsonMapper}.
 */
@AutoConfiguration(before = RaftAutoConfiguration.class, afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
public final class RaftKeyValueStoreAutoConfiguration {

    /**
     * The key-value state machine's bean name; it runs as {@link RaftStateMachines#KEY_VALUE} beside the
     * application's own {@link ReplicatedStateMachine} beans.
     */
    public static final String STATE_MACHINE_BEAN_NAME = "raftKeyValueStateMachine";

    @Bean(STATE_MACHINE_BEAN_NAME)
    @ConditionalOnMissingBean(name = STATE_MACHINE_BEAN_NAME)
    ReplicatedStateMachine raftKeyValueStateMachine(ObjectProvider<JsonMapper> mapper, RaftProperties properties) {
        return KeyValueStores.stateMachine(mapper(mapper), limits(properties),
                properties.getLimits().getWatchHistory(), properties.getLimits().getWatchHistorySize().toBytes(),
                StoreSnapshotFormat.valueOf(properties.getSnapshot().getFormat().name()));
    }

    @Bean
    @ConditionalOnMissingBean
    RaftKeyValueStore raftKeyValueStore(RaftEngine engine,
            @Qualifier(STATE_MACHINE_BEAN_NAME) ReplicatedStateMachine stateMachine,
            ObjectProvider<JsonMapper> mapper, RaftProperties properties) {
        try {
            return KeyValueStores.store(engine, stateMachine, mapper(mapper), limits(properties),
                    properties.getRequestTimeout());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException(ex.getMessage() + ": a bean named " + STATE_MACHINE_BEAN_NAME
                    + " replaces it, so define your own RaftKeyValueStore bean too (or give your state machine "
                    + "another bean name: it then runs beside the store)", ex);
        }
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> mapper) {
        return mapper.getIfAvailable(JsonMapper::new);
    }

    /** The store's limits from {@code raft.limits.*}; the lease API checks its writes with the same ones. */
    static StoreLimits limits(RaftProperties properties) {
        RaftLimitsProperties limits = properties.getLimits();
        return new StoreLimits((int) limits.getMaxKeySize().toBytes(), (int) limits.getMaxValueSize().toBytes(),
                (int) limits.getMaxEntrySize().toBytes());
    }
}
