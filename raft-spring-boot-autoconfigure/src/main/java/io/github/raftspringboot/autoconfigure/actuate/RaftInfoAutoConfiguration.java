package io.github.raftspringboot.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;

/** The {@code raft} section of {@code /actuator/info} ({@code management.info.raft.enabled}, on by default). */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(InfoContributor.class)
@ConditionalOnBean(RaftNode.class)
@ConditionalOnEnabledInfoContributor("raft")
public final class RaftInfoAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftInfoContributor raftInfoContributor(RaftNode node) {
        return new RaftInfoContributor(node);
    }
}
