package io.github.raftspringboot.sample.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/** Registers {@link RequestBodyLimitFilter} at twice {@code raft.limits.max-entry-size}. */
@Configuration(proxyBeanMethods = false)
class RequestBodyLimitConfiguration {

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
            @Value("${raft.limits.max-entry-size:4MB}") DataSize maxEntrySize) {
        DataSize limit = DataSize.ofBytes(2 * maxEntrySize.toBytes());
        FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(
                new RequestBodyLimitFilter(limit.toBytes(), (limit.toBytes() % DataSize.ofKilobytes(1).toBytes() == 0)
                        ? limit.toKilobytes() + "KB" : limit.toBytes() + " bytes"));
        // After the admin filter, before anything reads the body.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
