package io.github.raftspringboot.autoconfigure.events;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;

/** Publishes Raft role and leader changes as application events ({@code raft.events.enabled}, on by default). */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnBean(RaftEngine.class)
@ConditionalOnBooleanProperty(name = "raft.events.enabled", matchIfMissing = true)
public final class RaftEventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftEventPublisher raftEventPublisher(RaftEngine engine, ApplicationEventPublisher publisher) {
        RaftEventPublisher events = new RaftEventPublisher(engine.nodeId(), publisher);
        engine.addListener(events);
        return events;
    }
}
