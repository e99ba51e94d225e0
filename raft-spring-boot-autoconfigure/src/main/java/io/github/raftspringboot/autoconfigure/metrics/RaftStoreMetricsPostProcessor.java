package io.github.raftspringboot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import io.github.raftspringboot.api.RaftKeyValueStore;

/** Wraps the application's {@link RaftKeyValueStore} so that its calls are timed. */
final class RaftStoreMetricsPostProcessor implements BeanPostProcessor {

    private final ObjectProvider<MeterRegistry> registries;

    RaftStoreMetricsPostProcessor(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof RaftKeyValueStore store && !(bean instanceof TimedRaftKeyValueStore)) {
            return new TimedRaftKeyValueStore(store, registries);
        }
        return bean;
    }
}
