package io.github.raftspringboot.autoconfigure.aot;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;

/**
 * Refuses to start an application built with Spring AOT ({@code process-aot}) and started in AOT mode
 * ({@code -Dspring.aot.enabled=true}) when a {@code raft.*} switch is off at run time but was on at build time.
 * <p>
 * In AOT mode the bean definitions were fixed by the build, conditions included, so such a switch would be silently
 * ignored: {@code raft.grpc.admin.enabled=false} would leave the admin service on, {@code raft.enabled=false} would
 * still start the node. Without AOT mode this check does nothing (the conditions are evaluated as usual).
 */
public final class SpringAotSwitchCheck implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String AUTOCONFIGURE = "io.github.raftspringboot.autoconfigure.";

    /** Each switch, and the bean that exists when the build had it on. */
    static final Map<String, String> SWITCHES = switches();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (AotDetector.useGeneratedArtifacts()) {
            context.addBeanFactoryPostProcessor(new Check(context.getEnvironment()));
        }
    }

    /**
     * @throws InvalidRaftPropertyException naming the first switch that is off in the environment while the bean
     *                                      factory holds what the build created with it on
     */
    static void check(Environment environment, ConfigurableListableBeanFactory beanFactory) {
        SWITCHES.forEach((property, bean) -> {
            Boolean value = environment.getProperty(property, Boolean.class);
            if (Boolean.FALSE.equals(value) && beanFactory.containsBeanDefinition(bean)) {
                throw new InvalidRaftPropertyException(property, false,
                        "this application runs with Spring AOT's bean definitions (-Dspring.aot.enabled=true), made "
                                + "at build time with " + property + " on, so the switch cannot turn it off now",
                        "Set " + property + "=false where the build sees it too (application.properties, or the "
                                + "process-aot goal's <jvmArguments>-D" + property + "=false</jvmArguments>) and "
                                + "rebuild, or start without -Dspring.aot.enabled=true (docs/startup.md, "
                                + "Spring AOT).");
            }
        });
    }

    private static Map<String, String> switches() {
        Map<String, String> switches = new LinkedHashMap<>();
        switches.put("raft.enabled", AUTOCONFIGURE + "RaftAutoConfiguration");
        switches.put("raft.grpc.admin.enabled", AUTOCONFIGURE + "grpc.RaftAdminGrpcAutoConfiguration");
        switches.put("raft.grpc.health.enabled", AUTOCONFIGURE + "grpc.RaftLeaderHealthAutoConfiguration");
        switches.put("raft.leader-only.enabled", AUTOCONFIGURE + "leader.RaftLeaderOnlyAutoConfiguration");
        switches.put("raft.events.enabled", AUTOCONFIGURE + "events.RaftEventsAutoConfiguration");
        switches.put("raft.integration.leader-events.enabled",
                AUTOCONFIGURE + "integration.RaftIntegrationAutoConfiguration");
        switches.put("raft.actuator.security.enabled",
                AUTOCONFIGURE + "security.RaftActuatorSecurityAutoConfiguration");
        switches.put("raft.metrics.store-timing.enabled", "raftStoreMetricsPostProcessor");
        return Map.copyOf(switches);
    }

    /** Runs before any bean is created, so a node that should not run never opens its port or storage. */
    private record Check(Environment environment) implements BeanFactoryPostProcessor {

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            check(environment, beanFactory);
        }
    }
}
