package io.github.raftspringboot.test.fault;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP server that echoes what it receives, counts it, and can also speak first (to test one direction
 * on its own). It binds port 0: the port is bound at once, so nothing can take it before use.
 */
final class EchoServer implements Closeable {

    private final ServerSocket server;

    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    private final AtomicLong received = new AtomicLong();

    EchoServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "echo-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    long received() {
        return received.get();
    }

    int connections() {
        return clients.size();
    }

    /** Sends {@code text} to every connected client, unasked. */
    void push(String text) throws IOException {
        for (Socket client : clients) {
            OutputStream out = client.getOutputStream();
            synchronized (client) {
                out.write(text.getBytes());
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                clients.add(client);
                Thread echo = new Thread(() -> echo(client), "echo-" + client.getPort());
                echo.setDaemon(true);
                echo.start();
            }
        }
        catch (IOException ex) {
            // Closed by the test.
        }
    }

    private void echo(Socket client) {
        byte[] buffer = new byte[8192];
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                received.addAndGet(read);
                synchronized (client) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        }
        catch (IOException ex) {
            // The peer went away, as tests that reset connections intend.
        }
        finally {
            clients.remove(client);
        }
    }
}
