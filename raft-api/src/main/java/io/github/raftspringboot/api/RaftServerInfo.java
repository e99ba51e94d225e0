package io.github.raftspringboot.api;

/**
 * One server of the cluster configuration.
 *
 * @param id       the server's node id
 * @param address  its Raft address, {@code host:port}, or {@code null} if this node does not know it
 * @param suffrage whether it votes
 */
public record RaftServerInfo(String id, String address, Suffrage suffrage) {
}
