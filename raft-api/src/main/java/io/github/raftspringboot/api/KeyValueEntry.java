package io.github.raftspringboot.api;

import tools.jackson.databind.JsonNode;

/**
 * A key with its value and revisions. A revision is the Raft log index of the write that made it, so revisions grow
 * with every change of the store and are the same on every node.
 *
 * @param key            the key
 * @param value          its JSON value
 * @param createRevision the revision of the write that created the key (after its last delete)
 * @param modRevision    the revision of the last write of the key
 * @param version        how many writes the key has had since it was created: 1 after the first put; a delete
 *                       resets it (a missing key has version 0)
 * @param lease          the lease the key is attached to, or 0 for none
 */
public record KeyValueEntry(String key, JsonNode value, long createRevision, long modRevision, long version,
        long lease) {
}
