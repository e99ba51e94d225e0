package io.github.raftspringboot.test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves {@link RaftTestCluster} parameters for a class annotated with {@link RaftClusterTest}: the cluster is
 * started on first use and kept in JUnit's store of the test method (or of the class when it is shared), which
 * closes it when that scope ends.
 */
public final class RaftClusterExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(RaftClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RaftTestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RaftClusterTest settings = AnnotationSupport
            .findAnnotation(context.getRequiredTestClass(), RaftClusterTest.class)
            .orElseThrow(() -> new ParameterResolutionException(
                    "Annotate " + context.getRequiredTestClass().getName() + " with @RaftClusterTest"));
        ExtensionContext scope = settings.sharedByClass() ? classContext(context) : context;
        return scope.getStore(NAMESPACE).getOrComputeIfAbsent(RaftTestCluster.class, key -> start(settings),
                RaftTestCluster.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static RaftTestCluster start(RaftClusterTest settings) {
        RaftTestClusterBuilder builder = RaftTestCluster.builder(settings.application())
            .nodes(settings.nodes())
            .web(settings.web())
            .properties(parse(settings.properties()));
        if (settings.networkFaults()) {
            builder.withNetworkFaults();
        }
        return builder.start();
    }

    private static Map<String, String> parse(String[] properties) {
        return Arrays.stream(properties).map(property -> {
            int equals = property.indexOf('=');
            if (equals <= 0) {
                throw new ParameterResolutionException("@RaftClusterTest property '" + property
                        + "' must have the form name=value");
            }
            return new String[] { property.substring(0, equals).trim(), property.substring(equals + 1).trim() };
        }).collect(Collectors.toMap(pair -> pair[0], pair -> pair[1], (a, b) -> b, java.util.LinkedHashMap::new));
    }
}
