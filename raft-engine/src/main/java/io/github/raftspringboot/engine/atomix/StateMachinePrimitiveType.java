package io.github.raftspringboot.engine.atomix;

import io.atomix.primitive.PrimitiveBuilder;
import io.atomix.primitive.PrimitiveManagementService;
import io.atomix.primitive.PrimitiveType;
import io.atomix.primitive.config.PrimitiveConfig;
import io.atomix.primitive.service.PrimitiveService;
import io.atomix.primitive.service.ServiceConfig;

/**
 * Registers our state machine with Atomix's service registry. Only {@link #newService} is used: we drive
 * Atomix's Raft directly, not its high-level primitive API, so builders and configs do not exist here.
 */
@SuppressWarnings("rawtypes")
final class StateMachinePrimitiveType implements PrimitiveType {

    static final String NAME = "raft-spring-boot-state-machine";

    private final StateMachineService service;

    StateMachinePrimitiveType(StateMachineService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PrimitiveConfig newConfig() {
        throw new UnsupportedOperationException("The state machine type has no primitive config");
    }

    @Override
    public PrimitiveBuilder newBuilder(String primitiveName, PrimitiveConfig config,
            PrimitiveManagementService managementService) {
        throw new UnsupportedOperationException("The state machine type has no primitive builder");
    }

    @Override
    public PrimitiveService newService(ServiceConfig config) {
        return service;
    }
}
