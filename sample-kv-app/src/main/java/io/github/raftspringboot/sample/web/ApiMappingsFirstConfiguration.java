package io.github.raftspringboot.sample.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Looks up the API's handlers before the Actuator's. Spring Boot asks the Actuator's handler mapping first (order
 * -100), and for a path it does not serve (every {@code /key} request) that mapping compares the request with each
 * of its endpoints, then once more to find a near miss, before the API's mapping is asked: 1.6 KB allocated per
 * {@code GET /key/<key>} and 0.7 KB per {@code POST /key} spent on {@code /actuator} (docs/benchmarks.md, "The HTTP
 * layer"). The two share no path, so the order changes only which of them pays for a miss: an {@code /actuator}
 * request now passes the API's mapping first.
 */
@Configuration(proxyBeanMethods = false)
class ApiMappingsFirstConfiguration {

    /** Right after Spring MVC's {@code RequestMappingHandlerMapping} (order 0), before the static resources. */
    static final int ACTUATOR_MAPPING_ORDER = 1;

    @Bean
    static BeanPostProcessor actuatorMappingsAfterTheApi() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof AbstractWebMvcEndpointHandlerMapping mapping) {
                    mapping.setOrder(ACTUATOR_MAPPING_ORDER);
                }
                return bean;
            }
        };
    }
}
