package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 client that sends the request target exactly as given (no normalization, no re-encoding, no added
 * headers), as curl does with {@code --path-as-is}: what the server does with odd URLs is then what is tested.
 */
final class RawHttp {

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    Reply send(String method, String target, String jsonBody) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: */*\r\nConnection: close\r\n");
        byte[] body = (jsonBody != null) ? jsonBody.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (jsonBody != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            return Reply.parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    record Reply(int status, String contentType, String body) {

        static Reply parse(String response) {
            int headerEnd = response.indexOf("\r\n\r\n");
            String head = response.substring(0, headerEnd);
            String body = response.substring(headerEnd + 4);
            String contentType = "";
            boolean chunked = false;
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).trim();
                }
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            return new Reply(Integer.parseInt(head.substring(9, 12)), contentType, chunked ? unchunk(body) : body);
        }

        private static String unchunk(String chunked) {
            StringBuilder body = new StringBuilder();
            String rest = chunked;
            while (true) {
                int lineEnd = rest.indexOf("\r\n");
                int size = Integer.parseInt(rest.substring(0, lineEnd).trim(), 16);
                if (size == 0) {
                    return body.toString();
                }
                body.append(rest, lineEnd + 2, lineEnd + 2 + size);
                rest = rest.substring(lineEnd + 2 + size + 2);
            }
        }
    }
}
