package io.github.raftspringboot.admin.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;

/**
 * Resolves {@code multi:///host1:port1,host2:port2,...} (the target syntax of the raftadmin CLI) to a fixed list
 * of servers, one address group per server, so that a load-balancing policy such as {@code round_robin} sees
 * each node of a cluster separately. Registered through {@code META-INF/services}.
 */
public final class MultiAddressNameResolverProvider extends NameResolverProvider {

    /** The URI scheme this provider resolves. */
    public static final String SCHEME = "multi";

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        return new StaticResolver(parse(targetUri.getPath(), targetUri.toString()), args.getOverrideAuthority());
    }

    /**
     * Parses the comma-separated {@code host:port} list of a {@code multi:///} target (each as
     * {@link RaftPeerAddress#parse} does).
     * @throws IllegalArgumentException naming the offending part when the list is empty or malformed
     */
    public static List<RaftPeer> parse(String path, String target) {
        String list = (path != null && path.startsWith("/")) ? path.substring(1) : path;
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException(
                    "Target '" + target + "' lists no servers; write multi:///host1:port1,host2:port2");
        }
        List<RaftPeer> servers = new ArrayList<>();
        for (String part : list.split(",")) {
            servers.add(RaftPeerAddress.parse(part, "Server"));
        }
        return List.copyOf(servers);
    }

    private static final class StaticResolver extends NameResolver {

        private final List<RaftPeer> servers;

        private final String channelAuthority;

        StaticResolver(List<RaftPeer> servers, String channelAuthority) {
            this.servers = servers;
            this.channelAuthority = channelAuthority;
        }

        @Override
        public String getServiceAuthority() {
            String host = servers.get(0).host();
            return (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
        }

        @Override
        public void start(Listener2 listener) {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (RaftPeer server : servers) {
                InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
                if (address.isUnresolved()) {
                    listener.onError(Status.UNAVAILABLE.withDescription("Cannot resolve host '" + server.host() + "'"));
                    return;
                }
                groups.add(new EquivalentAddressGroup(address, attributes(server)));
            }
            listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
        }

        /**
         * Each server is its own authority (with TLS: the name its certificate is checked against), as if it were
         * called alone, unless the channel overrides the authority for all of them.
         */
        private Attributes attributes(RaftPeer server) {
            if (channelAuthority != null) {
                return Attributes.EMPTY;
            }
            return Attributes.newBuilder()
                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, server.address())
                .build();
        }

        @Override
        public void shutdown() {
        }
    }
}
