package io.github.raftspringboot.api;

import tools.jackson.databind.JsonNode;

/**
 * One change of a watched key, delivered by a {@link RaftWatchListener}.
 *
 * @param type      {@link Type#PUT} or {@link Type#DELETE}
 * @param key       the key that changed
 * @param value     the new value; {@code null} for a delete
 * @param revision  the revision of the change (the Raft index of its write); several keys written by one command
 *                  (a multi-key put or a transaction) share it, and their events follow each other
 * @param prevValue the value before the change, or {@code null} if the key did not exist
 */
public record WatchEvent(Type type, String key, JsonNode value, long revision, JsonNode prevValue) {

    /** What happened to the key. */
    public enum Type {
        PUT,
        DELETE
    }
}
