package io.github.raftspringboot.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and checks {@code host:port} and {@code id@host:port} as they appear in properties and requests. */
public final class RaftPeerAddress {

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9a-fA-F:.]+\\]|[^\\s:@\\[\\]]+):(\\d{1,5})$");

    private static final Pattern NODE_ID = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");

    /** A DNS label; '_' is tolerated because container platforms use it in service names. */
    private static final Pattern HOST_NAME = Pattern
        .compile("^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$");

    private static final Pattern DOTTED_NUMBERS = Pattern.compile("^[0-9.]+$");

    private static final Pattern IPV6_LITERAL = Pattern.compile("^[0-9a-fA-F:.]+(%[A-Za-z0-9_.-]+)?$");

    private RaftPeerAddress() {
    }

    /**
     * Parses {@code host:port}.
     *
     * @param what what the value is, for the error message
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RaftPeer parse(String address, String what) {
        return parse(null, address, what);
    }

    /** Parses {@code id@host:port}. */
    public static RaftPeer parsePeer(String entry, String what) {
        String value = (entry != null) ? entry.trim() : "";
        int at = value.indexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException(what + " '" + value + "' must have the form id@host:port");
        }
        return parse(value.substring(0, at), value.substring(at + 1), what);
    }

    /** Checks a node id: letters, digits, '.', '_' and '-', at most 128 characters. */
    public static String checkNodeId(String id, String what) {
        if (id == null || !NODE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id
                    + "' is not a valid node id: use 1 to 128 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    private static RaftPeer parse(String id, String address, String what) {
        String value = (address != null) ? address.trim() : "";
        Matcher matcher = HOST_PORT.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' must have the form host:port");
        }
        int port = Integer.parseInt(matcher.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " '" + value + "' has port " + port
                    + ", which is not between 1 and 65535");
        }
        String host = matcher.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        String problem = hostProblem(host);
        if (problem != null) {
            throw new IllegalArgumentException(what + " '" + value + "' has host '" + host + "', which " + problem
                    + ": use a host name (letters, digits, '-' and '.'), an IPv4 address or a bracketed IPv6 "
                    + "address, e.g. 10.0.0.4:12000 or [::1]:12000");
        }
        return new RaftPeer((id != null) ? checkNodeId(id, what) : null, host, port);
    }

    /** Why {@code host} is neither a host name nor an IP literal, or {@code null} when it is one. */
    private static String hostProblem(String host) {
        if (host.indexOf(':') >= 0) {
            return IPV6_LITERAL.matcher(host).matches() && isIpv6(host) ? null : "is not a valid IPv6 address";
        }
        if (DOTTED_NUMBERS.matcher(host).matches()) {
            return isIpv4(host) ? null : "is not a valid IPv4 address";
        }
        return HOST_NAME.matcher(host).matches() ? null : "is not a valid host name";
    }

    private static boolean isIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A literal with a colon is parsed by the JDK without any name lookup. */
    private static boolean isIpv6(String host) {
        try {
            java.net.InetAddress.getByName("[" + host + "]");
            return true;
        }
        catch (java.net.UnknownHostException ex) {
            return false;
        }
    }
}
