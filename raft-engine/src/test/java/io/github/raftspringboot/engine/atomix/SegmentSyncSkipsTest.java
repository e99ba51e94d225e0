package io.github.raftspringboot.engine.atomix;

import java.nio.file.Path;
import java.time.Duration;

import io.atomix.storage.journal.ChannelWrittenSegments;
import io.atomix.storage.journal.JournalSegment;
import io.atomix.storage.journal.SegmentedJournal;
import io.atomix.storage.journal.SegmentedJournalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.engine.atomix.SegmentWritesTest.Payload;

import static io.github.raftspringboot.engine.atomix.SegmentWritesTest.journal;
import static io.github.raftspringboot.engine.atomix.SegmentWritesTest.last;
import static io.github.raftspringboot.engine.atomix.SegmentWritesTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log writer's flush skips its {@code msync} when nothing was written since the last sync of the file (a
 * follower's acknowledgement right after its commit-time sync; a leader's commit after its early sync), and never
 * skips one that something written since needs.
 */
class SegmentSyncSkipsTest {

    @TempDir
    Path dir;

    @Test
    void aFlushSyncsOnlyWhatWasWrittenSinceTheLastSync() throws Exception {
        try (SegmentedJournal<Payload> journal = journal(dir)) {
            SegmentedJournalWriter<Payload> writer = journal.writer();
            writer.append(Payload.of(1, 100));
            JournalSegment<Payload> segment = last(journal);
            assertThat(new SegmentWrites(4096).install(segment)).isTrue();

            // What Atomix's writer wrote before this one took over may be unsynced: the first flush syncs.
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).isEqualTo(1);
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("nothing written since").isEqualTo(1);

            writer.append(Payload.of(2, 100));
            writer.flush();
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("a small entry, stored").isEqualTo(2);

            writer.append(Payload.of(3, 8192));
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("a large entry, written with pwrite")
                .isEqualTo(3);

            writer.truncate(2);
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("a truncation").isEqualTo(4);
            assertThat(readAll(journal, 1)).containsExactly(Payload.of(1, 100), Payload.of(2, 100));
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theLeadersEarlySyncIsCreditedToTheWriterForWhatItHadWrittenWhenAsked() throws Exception {
        try (SegmentedJournal<Payload> journal = journal(dir);
                LeaderLogSync early = new LeaderLogSync("test", nanos -> { })) {
            SegmentMappings mappings = SegmentMappings.of(journal);
            SegmentedJournalWriter<Payload> writer = journal.writer();
            mappings.keep();
            JournalSegment<Payload> segment = last(journal);
            assertThat(ChannelWrittenSegments.isInstalled(segment)).isTrue();
            early.readSegmentsWith(mappings::writersSegmentToSync);

            writer.append(Payload.of(1, 100));
            early.requestSync(1, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> early.indexes()[1] == 1);
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("covered by the early sync").isZero();

            // Written after the early sync was asked for: the commit-time sync must still write it.
            writer.append(Payload.of(2, 100));
            early.requestSync(1, 2);
            writer.append(Payload.of(3, 100));
            await().atMost(Duration.ofSeconds(10)).until(() -> early.indexes()[1] == 2);
            writer.flush();
            assertThat(ChannelWrittenSegments.syncs(segment)).as("entry 3 came after the early sync's mark")
                .isEqualTo(1);
        }
    }
}
