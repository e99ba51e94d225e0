package io.github.raftspringboot.autoconfigure.leader;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;

import io.github.raftspringboot.api.RaftLeaderOnly;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftProperties;

/**
 * Makes {@link RaftLeaderOnly} work: an advisor that wraps the annotated methods of every bean, and (as
 * {@code @EnableTransactionManagement} does for {@code @Transactional}) an auto-proxy creator if the application has
 * none.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = { "raft.enabled", "raft.leader-only.enabled" }, matchIfMissing = true)
@Import(RaftLeaderOnlyAutoConfiguration.AutoProxyRegistrar.class)
public final class RaftLeaderOnlyAutoConfiguration {

    /** The bean name of the advisor, to replace it. */
    public static final String ADVISOR_BEAN_NAME = "raftLeaderOnlyAdvisor";

    /** Static, and looks the node up lazily: advisors are created before the beans they may advise. */
    @Bean(ADVISOR_BEAN_NAME)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = ADVISOR_BEAN_NAME)
    static Advisor raftLeaderOnlyAdvisor(ObjectProvider<RaftNode> node, ObjectProvider<RaftProperties> properties) {
        RaftLeaderOnlyInterceptor interceptor = new RaftLeaderOnlyInterceptor(node::getObject,
                () -> properties.getObject().getRequestTimeout());
        return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(RaftLeaderOnly.class),
                interceptor);
    }

    /** Registers an auto-proxy creator (class proxies, as Spring Boot's default) unless one is there already. */
    static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
        }
    }
}
