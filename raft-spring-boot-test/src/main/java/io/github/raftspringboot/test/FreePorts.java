package io.github.raftspringboot.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for test nodes to bind later. A port the OS hands out for port 0 lies in the ephemeral range, where any
 * outgoing connection of the same JVM (gRPC and HTTP clients of the running nodes) may take it before the node binds
 * it. These come from below that range instead, each at most once per JVM, and only if they can be bound now.
 */
public final class FreePorts {

    private static final int FIRST = 20000;

    private static final int LAST = 32000;

    private static final AtomicInteger next = new AtomicInteger(
            FIRST + ThreadLocalRandom.current().nextInt(LAST - FIRST));

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < LAST - FIRST; attempt++) {
            int port = FIRST + Math.floorMod(next.getAndIncrement() - FIRST, LAST - FIRST);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + FIRST + " and " + LAST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}
