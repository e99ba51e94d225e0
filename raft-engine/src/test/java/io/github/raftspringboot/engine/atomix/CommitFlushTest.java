package io.github.raftspringboot.engine.atomix;

import java.nio.file.Path;

import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.log.RaftLog;
import io.atomix.protocols.raft.storage.log.entry.InitializeEntry;
import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Atomix 3.1.12's flush-on-commit setting never reaches the journal that writes the log, so a leader never synced its
 * log before answering; {@link CommitFlush} sets it where it counts.
 */
class CommitFlushTest {

    @TempDir
    Path dir;

    @Test
    void atomixLosesTheSettingAndCommitFlushSetsIt() {
        RaftStorage storage = RaftStorage.builder()
            .withPrefix("raft")
            .withDirectory(dir.toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(RaftNamespaces.RAFT_STORAGE)
            .withFlushOnCommit(true)
            .build();
        try (RaftLog log = storage.openLog()) {
            assertThat(storage.isFlushOnCommit()).isTrue();
            assertThat(CommitFlush.enabled(log)).as("Atomix's own journal, asked to flush on commit").isFalse();

            CommitFlush.enable(log);

            assertThat(CommitFlush.enabled(log)).isTrue();
            // The log still works: an entry written and committed is read back.
            long index = log.writer().append(new InitializeEntry(1, 0)).index();
            log.writer().commit(index);
            assertThat(log.openReader(1).next().index()).isEqualTo(index);
        }
    }
}
