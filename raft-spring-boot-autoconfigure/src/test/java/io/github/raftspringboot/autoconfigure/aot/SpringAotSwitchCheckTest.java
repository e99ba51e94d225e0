package io.github.raftspringboot.autoconfigure.aot;

import java.lang.reflect.Method;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ClassUtils;

import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.metrics.RaftMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpringAotSwitchCheckTest {

    private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

    private final MockEnvironment environment = new MockEnvironment();

    @Test
    void aSwitchOffAtRunTimeButOnAtBuildTimeIsRefusedNamingTheSwitchAndTheWayOut() {
        beanFactory.registerBeanDefinition("io.github.raftspringboot.autoconfigure.grpc.RaftAdminGrpcAutoConfiguration",
                new RootBeanDefinition(Object.class));
        environment.setProperty("raft.grpc.admin.enabled", "false");

        assertThatThrownBy(() -> SpringAotSwitchCheck.check(environment, beanFactory))
            .isInstanceOfSatisfying(InvalidRaftPropertyException.class, failure -> {
                assertThat(failure.property()).isEqualTo("raft.grpc.admin.enabled");
                assertThat(failure.getMessage()).contains("Spring AOT", "build time");
                assertThat(failure.action()).contains("rebuild", "-Dspring.aot.enabled=true");
            });
    }

    @Test
    void switchesThatAgreeWithTheBuildOrAreNotSetPass() {
        beanFactory.registerBeanDefinition("io.github.raftspringboot.autoconfigure.RaftAutoConfiguration",
                new RootBeanDefinition(Object.class));
        environment.setProperty("raft.enabled", "true");
        // Off at build time and at run time: nothing was generated, nothing to refuse.
        environment.setProperty("raft.events.enabled", "false");

        assertThatNoException().isThrownBy(() -> SpringAotSwitchCheck.check(environment, beanFactory));
    }

    @Test
    void everySwitchNamesAnAutoConfigurationOrBeanThatExists() {
        SpringAotSwitchCheck.SWITCHES.values()
            .stream()
            .filter(bean -> bean.contains("."))
            .forEach(name -> assertThat(ClassUtils.isPresent(name, null)).as(name).isTrue());
        // A @Bean method's name is its bean's name.
        assertThat(Arrays.stream(RaftMetricsAutoConfiguration.class.getDeclaredMethods()).map(Method::getName))
            .contains(SpringAotSwitchCheck.SWITCHES.get("raft.metrics.store-timing.enabled"));
    }
}
