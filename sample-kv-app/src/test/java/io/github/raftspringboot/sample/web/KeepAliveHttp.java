package io.github.raftspringboot.sample.web;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 keep-alive connection driven by the calling thread alone (no selector or pool threads), so that a
 * benchmark can tell the client's CPU from the server's: the requests carry the headers the JDK's HttpClient sends
 * (the load generator of scripts/benchmark.sh), each answer is read whole before the next request, and when the
 * server closes the connection ({@code Connection: close}) the next request opens a new one, as that client does.
 */
final class KeepAliveHttp implements AutoCloseable {

    private final int port;

    private Socket socket;

    private OutputStream out;

    private InputStream in;

    /** Connections the server closed (and this client opened again). */
    private int reconnects;

    KeepAliveHttp(int port) throws IOException {
        this.port = port;
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    int reconnects() {
        return reconnects;
    }

    /** A request's bytes, built once and sent many times. */
    byte[] request(String method, String target, String jsonBody) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:").append(port).append("\r\nUser-Agent: Java-http-client/17\r\n");
        byte[] body = (jsonBody != null) ? jsonBody.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /** Sends the request and reads the whole answer; the status and the body. */
    Reply send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String head = readHead();
        int status = Integer.parseInt(head.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            close |= lower.startsWith("connection:") && lower.contains("close");
        }
        byte[] body = chunked ? readChunked() : in.readNBytes((int) Math.max(0, length));
        if (close) {
            socket.close();
            reconnects++;
            connect();
        }
        return new Reply(status, head, new String(body, StandardCharsets.UTF_8));
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The server closed the connection; read so far: " + head);
            }
            head.write(b);
            matched = (b == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine().trim(), 16);
            if (size == 0) {
                readLine();
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("The server closed the connection inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Reply(int status, String head, String body) {
    }
}
