package io.github.raftspringboot.api;

/**
 * Published as an application event when this node's role changes, e.g. from {@code FOLLOWER} to
 * {@code CANDIDATE}. Listen with {@code @EventListener}. See docs/store.md for ordering and threading.
 *
 * @param nodeId       this node's id
 * @param previousRole the role before the change
 * @param role         the role now
 * @param term         the term at the time of the change
 */
public record RaftRoleChangedEvent(String nodeId, RaftRole previousRole, RaftRole role, long term) {
}
