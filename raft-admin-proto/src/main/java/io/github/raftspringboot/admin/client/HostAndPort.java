package io.github.raftspringboot.admin.client;

/**
 * A {@code host:port} pair as written on a command line or in a configuration.
 *
 * @param host the host name or IPv4 address
 * @param port the TCP port, 1-65535
 */
public record HostAndPort(String host, int port) {

    /**
     * Parses {@code host:port}.
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static HostAndPort parse(String text) {
        int colon = (text != null) ? text.lastIndexOf(':') : -1;
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (for example 127.0.0.1:9090)");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port (for example 127.0.0.1:9090)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has port " + port + "; a port is 1-65535");
        }
        return new HostAndPort(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
