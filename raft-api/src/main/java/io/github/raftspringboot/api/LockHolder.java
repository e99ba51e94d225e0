package io.github.raftspringboot.api;

/**
 * The holder of a lock.
 *
 * @param name         the lock's name
 * @param owner        who took it: {@code <node id>/<random id>} for a lock taken through {@link RaftLocks}
 * @param leaseId      the lease the lock lives on
 * @param fencingToken the lock key's creation index: grows from one holder to the next
 */
public record LockHolder(String name, String owner, long leaseId, long fencingToken) {
}
