package io.github.raftspringboot.api;

/**
 * A cluster member as named in {@code raft.peers}: {@code id@host:port}.
 *
 * @param id   the member's node id
 * @param host the host name or address other nodes reach it at
 * @param port its Raft port
 */
public record RaftPeer(String id, String host, int port) {

    /** {@code host:port}, bracketing IPv6 literals. */
    public String address() {
        return formatAddress(host, port);
    }

    @Override
    public String toString() {
        return id + "@" + address();
    }

    /** Formats {@code host:port}, bracketing IPv6 literals. */
    public static String formatAddress(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
