package io.github.raftspringboot.engine.atomix;

import java.util.Collection;
import java.util.List;

import io.atomix.primitive.PrimitiveType;
import io.atomix.primitive.PrimitiveTypeRegistry;

/** Our one primitive type, for Atomix's service registry. */
record SingleTypeRegistry(PrimitiveType type) implements PrimitiveTypeRegistry {

    @Override
    public Collection<PrimitiveType> getPrimitiveTypes() {
        return List.of(type);
    }

    @Override
    public PrimitiveType getPrimitiveType(String typeName) {
        return type.name().equals(typeName) ? type : null;
    }
}
