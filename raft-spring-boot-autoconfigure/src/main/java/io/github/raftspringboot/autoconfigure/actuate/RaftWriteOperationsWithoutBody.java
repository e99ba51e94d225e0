package io.github.raftspringboot.autoconfigure.actuate;

import java.util.List;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Lets {@code curl -X POST .../actuator/raft/snapshot} (no body, no Content-Type) reach the raft endpoint's write
 * operations on Spring MVC. Actuator maps a write operation that has parameters as consuming JSON with a required
 * body, so a bare POST is refused with 415 before the operation runs, although every parameter of ours is optional.
 * Spring MVC's own answer for an optional {@code @RequestBody} is a consumes condition that does not require a body;
 * this applies it to the raft endpoint's POST mappings only (a POST that has a body still needs a JSON Content-Type).
 */
final class RaftWriteOperationsWithoutBody implements SmartInitializingSingleton {

    private final ApplicationContext context;

    RaftWriteOperationsWithoutBody(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void afterSingletonsInstantiated() {
        // Endpoints on a separate management port live in a child context, which this one does not see.
        PathMappedEndpoints endpoints = context.getBeanProvider(PathMappedEndpoints.class).getIfAvailable();
        String path = (endpoints != null) ? endpoints.getPath(EndpointId.of("raft")) : null;
        if (path == null) {
            return;
        }
        List<String> operations = List.of(path + "/{operation}", path + "/{operation}/");
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class, false, false)
            .values()
            .forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info -> {
                boolean post = info.getMethodsCondition().getMethods().contains(RequestMethod.POST);
                if (post && info.getPatternValues().stream().anyMatch(operations::contains)) {
                    info.getConsumesCondition().setBodyRequired(false);
                }
            }));
    }
}
