package io.github.raftspringboot.engine.atomix;

import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.utils.serializer.Namespace;

/**
 * Atomix's namespace of the Raft log's entries, with one change: strings are read without writing to the buffer they
 * are read from.
 * <p>
 * Atomix reads an entry of a memory-mapped segment by handing Kryo a slice of the mapping. Kryo 4's reader of an
 * ASCII string clears the high bit of the string's last byte in that buffer, builds the string and sets the bit
 * again: two writes into the log file's pages for every read of every entry (a command entry holds its operation's
 * name). Each such write dirtied a page that the last sync had just cleaned, so the next sync wrote it to disk again
 * (with the file's modification time), and the first write cost a page fault; a node killed between the two writes
 * would leave an entry whose checksum no longer matches, which Atomix takes for the end of the log. The entries'
 * bytes are the same as with Atomix's namespace, so existing logs read as before.
 */
final class LogNamespace {

    /** Kryo registers {@code String} under this id in every instance it creates. */
    private static final int KRYO_STRING_ID = 1;

    static final Namespace RAFT_STORAGE = Namespace.builder()
        .register(RaftNamespaces.RAFT_STORAGE)
        .nextId(KRYO_STRING_ID)
        .register(new ReadOnlyStringSerializer(), String.class)
        .build("RaftStorage");

    private LogNamespace() {
    }
}
