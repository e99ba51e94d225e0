package io.github.raftspringboot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import io.github.raftspringboot.api.RaftKeyValueStore;

/** Wraps every {@link RaftKeyValueStore} bean in a {@link TimedRaftKeyValueStore}. */
final class TimedRaftKeyValueStorePostProcessor implements BeanPostProcessor {

    private final ObjectProvider<MeterRegistry> registries;

    TimedRaftKeyValueStorePostProcessor(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof RaftKeyValueStore store && !(bean instanceof TimedRaftKeyValueStore)) {
            return new TimedRaftKeyValueStore(store, new StoreOperationTimer(registries));
        }
        return bean;
    }
}
