package io.github.raftspringboot.sample.web;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftBackup;
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

    static final String FORMAT_NAME = "raft-spring-boot-sample-backup";

    static final String FORMAT = FORMAT_NAME + "/1";

    private final RaftKeyValueStore store;

    private final RaftNode node;

    private final long chunkBytes;

    private final JsonMapper mapper;

    BackupController(RaftKeyValueStore store, RaftNode node, JsonMapper mapper,
            @Value("${raft.limits.max-entry-size:4MB}") DataSize maxEntrySize) {
        this.store = store;
        this.node = node;
        this.mapper = mapper;
        // Leaves room for the command's own JSON and for escaping.
        this.chunkBytes = Math.max(1024, maxEntrySize.toBytes() / 2);
    }

    /**
     * The whole store. {@code consistency=local} reads this node's own copy instead: for disaster recovery, when
     * the cluster has no leader; it may miss the last writes this node had not yet applied. The document is written
     * to the response as it is produced, entry by entry, and its checksum computed on the way: it is never held as
     * one string or byte array (only the entries read from the store are in memory).
     */
    @GetMapping(path = "/backup", produces = MediaType.APPLICATION_JSON_VALUE)
    void backup(@RequestParam(required = false) String consistency, HttpServletResponse response)
            throws IOException {
        ReadConsistency readConsistency = ReadConsistencies.parse(consistency);
        SortedMap<String, JsonNode> entries = store.entries("", readConsistency);
        Instant now = Instant.now();
        String file = "raft-backup-" + now.toString().replace(":", "") + ".json";
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"");
        // Written on this request's thread as it is produced (no asynchronous request, so no async timeout).
        writeBackup(new BufferedOutputStream(response.getOutputStream(), 1 << 16), entries, now,
                readConsistency.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The fields of {@link Backup} in its order, each written as Jackson writes it; {@code entries} as compact JSON
     * sorted by key, exactly the bytes whose SHA-256 is {@code sha256}.
     */
    private void writeBackup(OutputStream out, SortedMap<String, JsonNode> entries, Instant createdAt,
            String consistency) throws IOException {
        MessageDigest digest = sha256();
        out.write(utf8("{\"format\":" + json(FORMAT) + ",\"nodeId\":" + json(node.nodeId()) + ",\"createdAt\":"
                + json(createdAt) + ",\"consistency\":" + json(consistency) + ",\"count\":" + entries.size()
                + ",\"entries\":"));
        OutputStream both = new DigestOutputStream(out, digest);
        both.write('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> entry : entries.entrySet()) {
            if (!first) {
                both.write(',');
            }
            first = false;
            both.write(mapper.writeValueAsBytes(entry.getKey()));
            both.write(':');
            both.write(mapper.writeValueAsBytes(entry.getValue()));
        }
        both.write('}');
        out.write(utf8(",\"sha256\":" + json(HexFormat.of().formatHex(digest.digest())) + "}"));
        out.flush();
    }

    private String json(Object value) {
        return mapper.writeValueAsString(value);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }

    /**
     * Writes every entry of a backup. Refuses a store that already holds data unless {@code force=true}, in which
     * case the backup's keys overwrite and other keys stay. The document's format (and version), count, checksum
     * and values are checked first: a document that fails a check changes nothing.
     */
    @PostMapping(path = "/restore", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    RestoreResult restore(@RequestBody Backup backup, @RequestParam(defaultValue = "false") boolean force) {
        check(backup);
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

    /** Checks the whole document before anything is written, so that a bad one changes nothing. */
    private void check(Backup backup) {
        if (backup.format() == null) {
            throw new IllegalArgumentException("The backup has no 'format': send the document GET /backup returned "
                    + "(\"format\":\"" + FORMAT + "\")");
        }
        if (!FORMAT.equals(backup.format())) {
            String version = backup.format().startsWith(FORMAT_NAME + "/")
                    ? "version " + backup.format().substring(FORMAT_NAME.length() + 1) + " of the backup format"
                    : "the backup format '" + backup.format() + "'";
            throw new IllegalArgumentException("This service does not read " + version + ": it reads " + FORMAT);
        }
        if (backup.entries() == null) {
            throw new IllegalArgumentException("The backup has no 'entries' object: send the document GET /backup "
                    + "returned");
        }
        if (backup.count() == null || backup.count() != backup.entries().size()) {
            throw new IllegalArgumentException("The backup says it holds " + backup.count() + " entries but has "
                    + backup.entries().size() + ": it is incomplete or was edited; nothing was restored");
        }
        for (Map.Entry<String, JsonNode> entry : backup.entries().entrySet()) {
            if (entry.getKey().isEmpty()) {
                throw new IllegalArgumentException("The backup has an empty key, which the store does not hold");
            }
            if (entry.getValue() == null || entry.getValue().isNull()) {
                throw new IllegalArgumentException("The value of '" + entry.getKey() + "' in the backup is null, "
                        + "which the store does not hold (a missing key reads as null): remove the entry");
            }
        }
        if (backup.sha256() == null) {
            throw new IllegalArgumentException("The backup has no 'sha256': send the document GET /backup returned");
        }
        String actual = checksum(backup.entries());
        if (!actual.equalsIgnoreCase(backup.sha256())) {
            throw new IllegalArgumentException("Checksum mismatch: the entries hash to " + actual + " but the backup "
                    + "says " + backup.sha256() + "; it was damaged or edited, nothing was restored");
        }
    }

    /** The SHA-256 of the entries as compact JSON (sorted by key), as written into and checked on a backup. */
    private String checksum(SortedMap<String, JsonNode> entries) {
        return RaftBackup.sha256Hex(mapper.writeValueAsBytes(entries));
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
     * @param sha256      the SHA-256 (hex) of {@code entries} as compact JSON, checked on restore
     */
    record Backup(String format, String nodeId, Instant createdAt, String consistency, Integer count,
            SortedMap<String, JsonNode> entries, String sha256) {
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
