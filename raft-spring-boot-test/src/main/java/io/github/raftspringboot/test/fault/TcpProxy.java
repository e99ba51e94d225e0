package io.github.raftspringboot.test.fault;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a loopback port that forwards every connection to one target, and injects network faults on
 * command: it lets tests cut, slow down or reset a real link (a Raft peer link, say) without touching the code on
 * either end. Modes, switchable at any time from any thread while connections are open:
 * <ul>
 * <li>{@link #pass()}: forward everything;</li>
 * <li>{@link #drop()}: a blackhole: connections are accepted and kept open but no byte gets through, as in a
 * network partition (nobody is told; only timeouts notice);</li>
 * <li>{@link #drop(Direction)}: a one-way cut: that direction is dropped while the other passes;</li>
 * <li>{@link #delay(Duration)} and {@link #delay(Direction, Duration)}: added latency, order kept;</li>
 * <li>{@link #reset()}: every open connection is reset and new ones are reset on arrival, as a crashed host's
 * kernel would answer, until another mode is set.</li>
 * </ul>
 * A connection that lost bytes while cut is reset when its direction forwards again: its byte stream has a hole,
 * and a real partition long enough to lose data breaks TCP connections too. Connections the cut did not touch
 * (idle ones) survive it. {@link #close()} releases the port, the connections and every thread.
 *
 * <p>Blocking sockets with two threads per direction of a connection: simple, and ample for the handful of
 * connections of a test cluster.
 */
public final class TcpProxy implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final InetSocketAddress target;

    private final ServerSocket server;

    private final String name;

    private final Thread acceptor;

    private final Counters counters = new Counters();

    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();

    private final AtomicInteger connectionIds = new AtomicInteger();

    private volatile Flow toTarget = Flow.pass();

    private volatile Flow fromTarget = Flow.pass();

    private volatile boolean refusing;

    private volatile boolean closed;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.name = "tcp-proxy-" + server.getLocalPort() + "-to-" + target.getPort();
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a proxy to {@code target} on a loopback port the OS picks. The port is bound before this returns, so
     * no other socket can take it in between (unlike a port chosen now and bound later).
     */
    public static TcpProxy start(InetSocketAddress target) throws IOException {
        return start(0, target);
    }

    /** Starts a proxy to {@code target} on the given loopback port ({@code 0}: any free port). */
    public static TcpProxy start(int port, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(target, "target");
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        }
        catch (IOException ex) {
            server.close();
            throw new IOException("Cannot listen on loopback port " + port + " for a proxy to " + target + ": "
                    + ex.getMessage(), ex);
        }
        TcpProxy proxy = new TcpProxy(server, target);
        proxy.acceptor.start();
        log.debug("{}: listening on {}", proxy.name, proxy.address());
        return proxy;
    }

    /** Where clients connect: give this to the node that should reach {@link #target()} through the proxy. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Forwards both directions again. */
    public void pass() {
        set(Flow.pass(), Flow.pass());
    }

    /** Drops both directions, keeping connections open. */
    public void drop() {
        set(Flow.drop(), Flow.drop());
    }

    /** Drops {@code direction} only; the other direction passes. */
    public void drop(Direction direction) {
        set(direction == Direction.TO_TARGET ? Flow.drop() : Flow.pass(),
                direction == Direction.FROM_TARGET ? Flow.drop() : Flow.pass());
    }

    /** Delays both directions by {@code latency}. */
    public void delay(Duration latency) {
        set(Flow.delay(latency), Flow.delay(latency));
    }

    /** Delays {@code direction} by {@code latency}; the other direction passes. */
    public void delay(Direction direction, Duration latency) {
        set(direction == Direction.TO_TARGET ? Flow.delay(latency) : Flow.pass(),
                direction == Direction.FROM_TARGET ? Flow.delay(latency) : Flow.pass());
    }

    /** Sets each direction's flow; connections stay open (those that lost bytes are reset once they heal). */
    public synchronized void set(Flow toTarget, Flow fromTarget) {
        this.toTarget = Objects.requireNonNull(toTarget, "toTarget");
        this.fromTarget = Objects.requireNonNull(fromTarget, "fromTarget");
        this.refusing = false;
        log.debug("{}: to target {}, from target {}", name, toTarget, fromTarget);
        connections.forEach(ProxiedConnection::afterModeChange);
    }

    /** Resets every open connection and every new one, until another mode is set. */
    public synchronized void reset() {
        refusing = true;
        log.debug("{}: resetting connections", name);
        connections.forEach(connection -> connection.abort("the proxy was reset"));
    }

    public Flow flow(Direction direction) {
        return direction == Direction.TO_TARGET ? toTarget : fromTarget;
    }

    public boolean isResetting() {
        return refusing;
    }

    public ProxyStats stats() {
        return counters.snapshot(connections.size());
    }

    /** Closes the port and every connection, and waits (a bounded time) for the proxy's threads to end. */
    @Override
    public void close() {
        List<Thread> threads;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                server.close();
            }
            catch (IOException ex) {
                log.debug("{}: closing the listening socket failed: {}", name, ex.getMessage());
            }
            threads = new ArrayList<>(List.of(acceptor));
            for (ProxiedConnection connection : List.copyOf(connections)) {
                // Aborted first: a closed connection starts no more threads, so the list below is complete.
                connection.abort("the proxy was closed");
                threads.addAll(connection.threads());
            }
        }
        awaitEnd(threads);
    }

    @Override
    public String toString() {
        return name + "[" + toTarget + "/" + fromTarget + (refusing ? ", resetting" : "") + "]";
    }

    Counters counters() {
        return counters;
    }

    void closed(ProxiedConnection connection) {
        connections.remove(connection);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            }
            catch (IOException ex) {
                if (!closed) {
                    log.warn("{}: accepting a connection failed; the proxy stops accepting", name, ex);
                }
                return;
            }
            admit(client);
        }
    }

    private synchronized void admit(Socket client) {
        if (refusing || closed) {
            counters.refused.incrementAndGet();
            resetQuietly(client);
            return;
        }
        counters.accepted.incrementAndGet();
        ProxiedConnection connection = new ProxiedConnection(this, client,
                name + "-c" + connectionIds.incrementAndGet());
        connections.add(connection);
        connection.start(target);
    }

    private void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        }
        catch (IOException ex) {
            log.debug("{}: resetting a refused connection failed: {}", name, ex.getMessage());
        }
    }

    private void awaitEnd(List<Thread> threads) {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread thread : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
                if (thread.isAlive()) {
                    log.warn("{}: thread {} still runs after close", name, thread.getName());
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
