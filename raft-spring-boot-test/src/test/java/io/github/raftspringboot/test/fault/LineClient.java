package io.github.raftspringboot.test.fault;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A test client on a real socket. Reads give up after a long timeout, as a safety net against a hung test only:
 * tests wait on conditions (proxy statistics), never on this timeout, to show that something did not arrive.
 */
final class LineClient implements Closeable {

    private static final int SAFETY_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;

    LineClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(SAFETY_TIMEOUT_MILLIS);
        socket.connect(address, SAFETY_TIMEOUT_MILLIS);
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads exactly {@code length} bytes. */
    String read(int length) throws IOException {
        byte[] data = socket.getInputStream().readNBytes(length);
        if (data.length < length) {
            throw new IOException("Stream ended after " + data.length + " of " + length + " bytes");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    String roundTrip(String text) throws IOException {
        send(text);
        return read(text.length());
    }

    /** How many bytes could be read now without blocking: 0 shows nothing was delivered (yet). */
    int available() throws IOException {
        return socket.getInputStream().available();
    }

    /**
     * Whether the proxy closed or reset this connection: a read then ends the stream or fails. Blocks until one of
     * them or data; callers use it once the connection should be gone.
     */
    boolean isCut() throws IOException {
        try {
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        }
        catch (SocketTimeoutException ex) {
            return false;
        }
        catch (IOException ex) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
