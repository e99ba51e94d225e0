package io.github.raftspringboot.sample.web;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies by the store's rules (docs/store.md): a duplicate object key is a 400 that names it (never
 * "last one wins"), and decimal numbers are read as {@link java.math.BigDecimal}, so that {@code 1e999999} or
 * {@code 0.1000000000000000055511151231257827} are stored exactly as written instead of as Infinity or a rounded
 * double. The keys of a {@code POST /key} body are its property names, i.e. user data of unbounded variety, so they
 * are not canonicalized: Jackson's shared name table would be copied whole by each request that brings a new key
 * (a quarter of a megabyte per write once thousands of keys were seen; docs/benchmarks.md, "Where a write's CPU
 * goes"); {@link WholeBodyJsonConverter} spares such a parse the 8 KB buffer it would take per request body.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer storeJsonRules() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    @Bean
    JsonFactoryBuilderCustomizer keysNotCanonicalized() {
        return builder -> builder.disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES);
    }

    /** After Spring Boot's own customizer, whose JSON converter (on the same mapper) this one replaces. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ServerHttpMessageConvertersCustomizer wholeBodyJsonConverter(JsonMapper mapper) {
        return builder -> builder.withJsonConverter(new WholeBodyJsonConverter(mapper));
    }
}
