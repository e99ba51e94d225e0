package io.github.raftspringboot.test.fault;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection accepted by a {@link TcpProxy} and its own connection to the target, joined by one
 * {@link Pump} per direction. It closes gracefully when both directions have ended, and aborts (a TCP reset on
 * both sides, as a peer that vanished would cause) on an I/O error, a reset of the proxy or its close.
 */
final class ProxiedConnection {

    private static final Logger log = LoggerFactory.getLogger(ProxiedConnection.class);

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final TcpProxy proxy;

    private final Socket client;

    private final Socket upstream = new Socket();

    private final String name;

    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicInteger ended = new AtomicInteger();

    private final List<Thread> threads = new ArrayList<>();

    private Pump toTarget;

    private Pump fromTarget;

    ProxiedConnection(TcpProxy proxy, Socket client, String name) {
        this.proxy = proxy;
        this.client = client;
        this.name = name;
    }

    /** Connects to the target on a thread of its own (the acceptor must not wait), then starts both pumps. */
    synchronized void start(InetSocketAddress target) {
        Thread connector = new Thread(() -> connect(target), name + "-connect");
        connector.setDaemon(true);
        threads.add(connector);
        connector.start();
    }

    private void connect(InetSocketAddress target) {
        try {
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        }
        catch (IOException ex) {
            abort("cannot reach the target " + target + ": " + ex.getMessage());
            return;
        }
        synchronized (this) {
            if (closed.get()) {
                return;
            }
            toTarget = new Pump(this, Direction.TO_TARGET, client, upstream, name);
            fromTarget = new Pump(this, Direction.FROM_TARGET, upstream, client, name);
            threads.addAll(toTarget.threads());
            threads.addAll(fromTarget.threads());
            toTarget.start();
            fromTarget.start();
        }
    }

    Flow flow(Direction direction) {
        return proxy.flow(direction);
    }

    Counters counters() {
        return proxy.counters();
    }

    /** Resets the connection if a direction that lost bytes forwards again (see {@link Pump#lostBytesAndHealed}). */
    void afterModeChange() {
        Pump to;
        Pump from;
        synchronized (this) {
            to = toTarget;
            from = fromTarget;
        }
        if (to != null && (to.lostBytesAndHealed(flow(Direction.TO_TARGET))
                || from.lostBytesAndHealed(flow(Direction.FROM_TARGET)))) {
            abort("bytes were dropped while the link was cut");
        }
    }

    /** One direction delivered its end of stream; once both have, the connection is done. */
    void ended(Direction direction) {
        if (ended.incrementAndGet() == 2) {
            close(false, "both sides closed");
        }
    }

    /** Resets both sides: the peers see a connection reset, as when a real peer or link fails. */
    void abort(String reason) {
        close(true, reason);
    }

    synchronized List<Thread> threads() {
        return List.copyOf(threads);
    }

    private void close(boolean reset, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.debug("{}: closing ({})", name, reason);
        for (Socket socket : List.of(client, upstream)) {
            try {
                if (reset && !socket.isClosed()) {
                    socket.setSoLinger(true, 0);
                }
                socket.close();
            }
            catch (IOException ex) {
                log.debug("{}: closing a socket failed: {}", name, ex.getMessage());
            }
        }
        synchronized (this) {
            if (toTarget != null) {
                toTarget.stop();
                fromTarget.stop();
            }
        }
        proxy.closed(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
