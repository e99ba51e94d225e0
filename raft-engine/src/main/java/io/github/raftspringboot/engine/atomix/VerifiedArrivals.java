package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The restore files this process checked as their bytes arrived (received from a member, or uploaded to this node),
 * with their size and modification time then. Reading such a file again to check it before its entry is applied
 * would read it from the page cache it was written to seconds before, which proves nothing the check on arrival did
 * not, at the cost of another pass over the whole backup (half a second of CPU per node for 280 MB in a fresh JVM).
 * A file this process did not receive (the node restarted since), or whose size or time changed, is read whole.
 */
final class VerifiedArrivals {

    private record Arrival(byte[] sha256, long size, FileTime modified) {
    }

    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();

    /** Restore {@code id}'s {@code file}, now in place, was checked against {@code sha256} as its bytes arrived. */
    void record(String id, Path file, byte[] sha256) {
        try {
            arrivals.put(id, new Arrival(sha256.clone(), Files.size(file), Files.getLastModifiedTime(file)));
        }
        catch (IOException ex) {
            // Not recorded: the file is read and checked whole before its entry is applied.
            arrivals.remove(id);
        }
    }

    /** Whether {@code file} is restore {@code id}'s as this process checked it, against the same {@code sha256}. */
    boolean unchangedSince(String id, Path file, byte[] sha256) throws IOException {
        Arrival arrival = arrivals.get(id);
        return arrival != null && MessageDigest.isEqual(arrival.sha256(), sha256) && Files.isRegularFile(file)
                && Files.size(file) == arrival.size() && Files.getLastModifiedTime(file).equals(arrival.modified());
    }

    void forget(String id) {
        arrivals.remove(id);
    }
}
