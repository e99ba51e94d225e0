package io.github.raftspringboot.autoconfigure.diagnostics;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;

/**
 * Names the {@code raft.*} property that is wrong, where its value came from (file and line, environment variable,
 * command line: as Boot's own analysis of invalid property values does), why it is wrong, and what to set instead.
 */
final class InvalidRaftPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRaftPropertyException> {

    private final Environment environment;

    /** Boot passes the failed application's environment, to look up where the value came from. */
    InvalidRaftPropertyFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRaftPropertyException cause) {
        String origin = origin(cause.property());
        return new FailureAnalysis("The Raft node is misconfigured. " + cause.getMessage() + "."
                + ((origin != null) ? "\n\nThe value came from " + origin + "." : ""), cause.action(), cause);
    }

    private String origin(String property) {
        if (environment == null || !ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(name);
            if (found != null) {
                Origin origin = found.getOrigin();
                return (origin != null) ? origin.toString() : "property source '" + source.getUnderlyingSource() + "'";
            }
        }
        return null;
    }
}
