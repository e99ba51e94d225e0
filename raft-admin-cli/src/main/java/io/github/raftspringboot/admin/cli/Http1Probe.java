package io.github.raftspringboot.admin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import io.github.raftspringboot.api.RaftPeer;


/**
 * Tells whether a server that hung up on a gRPC call is an HTTP/1.1 server (a web port instead of the gRPC port):
 * Tomcat closes the connection on gRPC's HTTP/2 preface without a word, just as a TLS-only server does, so only a
 * plain HTTP/1.1 request tells them apart. Called only after a call failed, on the target the user gave.
 */
final class Http1Probe {

    private static final byte[] HTTP1_REPLY = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    private Http1Probe() {
    }

    static boolean speaksHttp1(RaftPeer target, Duration timeout) {
        int millis = (int) timeout.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), millis);
            socket.setSoTimeout(millis);
            String request = "HEAD / HTTP/1.1\r\nHost: " + target + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(HTTP1_REPLY.length);
            return Arrays.equals(start, HTTP1_REPLY);
        }
        catch (IOException ex) {
            // Unreachable or silent: not an HTTP/1.1 server, and the caller's own message stands.
            return false;
        }
    }
}
