package io.github.raftspringboot.sample.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/**
 * Backup and restore of the whole store as one JSON document. The backup is a single linearizable read, so it is
 * a consistent cut of the cluster's data: every write acknowledged before it started, nothing half-applied. A
 * restore writes the entries back through Raft, in as few log entries as the entry size limit allows (one when
 * the data fits, which makes it atomic).
 */
@RestController
class BackupController {

    static final String FORMAT = "raft-spring-boot-sample-backup/1";

    private final RaftKeyValueStore store;

    private final RaftNode node;

    private final long chunkBytes;

    BackupController(RaftKeyValueStore store, RaftNode node,
            @Value("${raft.limits.max-entry-size:4MB}") DataSize maxEntrySize) {
        this.store = store;
        this.node = node;
        // Leaves room for the command's own JSON and for escaping.
        this.chunkBytes = Math.max(1024, maxEntrySize.toBytes() / 2);
    }

    /**
     * The whole store. {@code consistency=local} reads this node's own copy instead: for disaster recovery, when
     * the cluster has no leader; it may miss the last writes this node had not yet applied.
     */
    @GetMapping(path = "/backup", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Backup> backup(@RequestParam(required = false) String consistency) {
        ReadConsistency readConsistency = ReadConsistencies.parse(consistency);
        SortedMap<String, JsonNode> entries = store.entries("", readConsistency);
        Instant now = Instant.now();
        String file = "raft-backup-" + now.toString().replace(":", "") + ".json";
        return ResponseEntity.ok()
            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
            .body(new Backup(FORMAT, node.nodeId(), now, readConsistency.name().toLowerCase(Locale.ROOT),
                    entries.size(), entries));
    }

    /**
     * Writes every entry of a backup. Refuses a store that already holds data unless {@code force=true}, in which
     * case the backup's keys overwrite and other keys stay.
     */
    @PostMapping(path = "/restore", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    RestoreResult restore(@RequestBody Backup backup, @RequestParam(defaultValue = "false") boolean force) {
        if (backup.format() != null && !FORMAT.equals(backup.format())) {
            throw new IllegalArgumentException("Unknown backup format '" + backup.format() + "': this service reads "
                    + FORMAT);
        }
        if (backup.entries() == null) {
            throw new IllegalArgumentException("The backup has no 'entries' object: send the document GET /backup "
                    + "returned");
        }
        if (!force) {
            long existing = store.size();
            if (existing > 0) {
                throw new StoreNotEmptyException(existing);
            }
        }
        long index = 0;
        int chunks = 0;
        Map<String, JsonNode> chunk = new LinkedHashMap<>();
        long chunkSize = 0;
        for (Map.Entry<String, JsonNode> entry : backup.entries().entrySet()) {
            long size = entry.getKey().getBytes(StandardCharsets.UTF_8).length
                    + entry.getValue().toString().getBytes(StandardCharsets.UTF_8).length + 8;
            if (!chunk.isEmpty() && chunkSize + size > chunkBytes) {
                index = store.putAll(chunk).index();
                chunks++;
                chunk = new LinkedHashMap<>();
                chunkSize = 0;
            }
            chunk.put(entry.getKey(), entry.getValue());
            chunkSize += size;
        }
        if (!chunk.isEmpty()) {
            WriteResult result = store.putAll(chunk);
            index = result.index();
            chunks++;
        }
        return new RestoreResult(backup.entries().size(), chunks, index);
    }

    /**
     * A backup document.
     *
     * @param format    {@value #FORMAT}
     * @param nodeId    the node that answered the backup request
     * @param createdAt   when the backup was taken
     * @param consistency how it was read: {@code linearizable}, or {@code local} (this node's copy only)
     * @param count       the number of entries
     * @param entries     every key and its value, sorted by key
     */
    record Backup(String format, String nodeId, Instant createdAt, String consistency, Integer count,
            SortedMap<String, JsonNode> entries) {
    }

    /**
     * @param restored the number of entries written
     * @param logEntries the number of Raft log entries they took (1 = atomic)
     * @param index the log index of the last one
     */
    record RestoreResult(int restored, int logEntries, long index) {
    }

    /** A restore into a store that already has data, without {@code force=true}. */
    @ResponseStatus(HttpStatus.CONFLICT)
    static final class StoreNotEmptyException extends RuntimeException {

        StoreNotEmptyException(long existing) {
            super("The store already holds " + existing + " keys. Restore into an empty cluster, or add "
                    + "?force=true to write the backup over the existing data (keys not in the backup stay)");
        }
    }
}
