package io.github.raftspringboot.autoconfigure.grpc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;

/** Resolves {@code <scheme>:///anything} to a fixed list of addresses, one group each: every node of a test cluster. */
final class StaticAddressesNameResolverProvider extends NameResolverProvider {

    private final String scheme;

    private final Supplier<List<InetSocketAddress>> addresses;

    StaticAddressesNameResolverProvider(String scheme, Supplier<List<InetSocketAddress>> addresses) {
        this.scheme = scheme;
        this.addresses = addresses;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!scheme.equals(target.getScheme())) {
            return null;
        }
        return new NameResolver() {

            @Override
            public String getServiceAuthority() {
                return "raft-cluster";
            }

            @Override
            public void start(Listener2 listener) {
                listener.onResult(ResolutionResult.newBuilder()
                    .setAddressesOrError(io.grpc.StatusOr.fromValue(addresses.get()
                        .stream()
                        .map(EquivalentAddressGroup::new)
                        .toList()))
                    .build());
            }

            @Override
            public void shutdown() {
            }
        };
    }

    @Override
    public String getDefaultScheme() {
        return scheme;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }
}
