package io.github.raftspringboot.test.fault;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network partitions of a cluster of {@code n} nodes on loopback, by one {@link TcpProxy} per directed link.
 *
 * <p><b>Wiring.</b> Node {@code j} listens on its real address. Proxy {@code i->j} forwards to it, and node
 * {@code i} is configured to reach peer {@code j} at {@link #peerAddress(int, int) peerAddress(i, j)}, the proxy's
 * address, instead of {@code j}'s real one (with this project: in node {@code i}'s {@code raft.peers}, peer
 * {@code j}'s entry carries that address; its own entry keeps its real one). Every connection {@code i} opens to
 * {@code j} then runs through proxy {@code i->j}: its requests flow {@link Direction#TO_TARGET} and {@code j}'s
 * responses {@link Direction#FROM_TARGET}. So what {@code i} sends to {@code j} is {@code i}'s requests on link
 * {@code i->j} plus {@code i}'s responses on link {@code j->i}, and the partitioner cuts both to cut
 * "{@code i} to {@code j}", each direction of each pair on its own. This holds as long as every node dials its
 * peers by its own configured addresses; an address learnt from another node at run time (e.g. one replicated
 * through the log when a member is added) bypasses the proxies meant for that node.
 *
 * <pre>{@code
 * try (NetworkPartitioner network = NetworkPartitioner.start(nodeAddresses)) {
 *     // configure node i with peer j at network.peerAddress(i, j), start the nodes, run the workload...
 *     network.isolate(leader);
 *     // ... a new leader is elected among the others; the old one must not acknowledge anything
 *     network.heal();
 * }
 * }</pre>
 */
public final class NetworkPartitioner implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(NetworkPartitioner.class);

    private final List<InetSocketAddress> nodes;

    /** {@code links[i][j]}: the proxy node i dials to reach node j; {@code null} on the diagonal. */
    private final TcpProxy[][] links;

    private volatile Connectivity current;

    private NetworkPartitioner(List<InetSocketAddress> nodes, TcpProxy[][] links) {
        this.nodes = nodes;
        this.links = links;
        this.current = Connectivity.full(nodes.size());
    }

    /** Starts a proxy for every directed link between the nodes at these (real) addresses; all pass. */
    public static NetworkPartitioner start(List<InetSocketAddress> nodeAddresses) throws IOException {
        List<InetSocketAddress> nodes = List.copyOf(nodeAddresses);
        TcpProxy[][] links = new TcpProxy[nodes.size()][nodes.size()];
        try {
            for (int from = 0; from < nodes.size(); from++) {
                for (int to = 0; to < nodes.size(); to++) {
                    if (from != to) {
                        links[from][to] = TcpProxy.start(nodes.get(to));
                    }
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            closeAll(links);
            throw ex;
        }
        return new NetworkPartitioner(nodes, links);
    }

    public int size() {
        return nodes.size();
    }

    /** The address node {@code from} must use for peer {@code to}. */
    public InetSocketAddress peerAddress(int from, int to) {
        return link(from, to).address();
    }

    /** The proxy of link {@code from->to}, for finer faults (delays, resets) or its statistics. */
    public TcpProxy link(int from, int to) {
        if (from == to) {
            throw new IllegalArgumentException("A node does not dial itself: no link " + from + "->" + to);
        }
        Objects.checkIndex(from, nodes.size());
        Objects.checkIndex(to, nodes.size());
        return links[from][to];
    }

    /** Sets every link so that exactly the messages {@code connectivity} allows get through. */
    public synchronized void apply(Connectivity connectivity) {
        if (connectivity.size() != nodes.size()) {
            throw new IllegalArgumentException("A shape for " + connectivity.size() + " nodes cannot apply to "
                    + nodes.size());
        }
        for (int from = 0; from < nodes.size(); from++) {
            for (int to = 0; to < nodes.size(); to++) {
                if (from != to) {
                    links[from][to].set(flow(connectivity.canSend(from, to)), flow(connectivity.canSend(to, from)));
                }
            }
        }
        current = connectivity;
        log.info("Network: {}", connectivity);
    }

    public void isolate(int node) {
        apply(Connectivity.isolate(size(), node));
    }

    public void split(Collection<Integer> side) {
        apply(Connectivity.split(size(), side));
    }

    public void bridge(int node) {
        apply(Connectivity.bridge(size(), node));
    }

    public void oneWay(int from, int to) {
        apply(Connectivity.oneWay(size(), from, to));
    }

    /**
     * Freezes {@code node}'s links as a paused process would look from outside: what it sends and what is sent to it
     * is held, connections stay open, and nothing is lost. Any later {@link #apply} (a heal too) delivers the held
     * bytes.
     */
    public synchronized void hold(int node) {
        Objects.checkIndex(node, nodes.size());
        for (int other = 0; other < nodes.size(); other++) {
            if (other != node) {
                links[node][other].set(Flow.hold(), Flow.hold());
                links[other][node].set(Flow.hold(), Flow.hold());
            }
        }
        log.info("Network: node {} held", node);
    }

    /** Reconnects everything (connections that lost bytes are reset, and the nodes reconnect). */
    public void heal() {
        apply(Connectivity.full(size()));
    }

    public Connectivity current() {
        return current;
    }

    @Override
    public void close() {
        closeAll(links);
    }

    private static Flow flow(boolean passes) {
        return passes ? Flow.pass() : Flow.drop();
    }

    private static void closeAll(TcpProxy[][] links) {
        for (TcpProxy[] row : links) {
            for (TcpProxy proxy : row) {
                if (proxy != null) {
                    proxy.close();
                }
            }
        }
    }
}
