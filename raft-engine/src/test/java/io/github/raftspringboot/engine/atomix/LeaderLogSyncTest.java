package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import io.atomix.protocols.raft.storage.log.entry.InitializeEntry;
import io.atomix.protocols.raft.storage.log.entry.RaftLogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The leader's early sync: an append that carries entries starts a sync of the writer's segment before it is handed
 * to the transport (so the leader's fsync runs while the followers sync theirs), once for all followers; a heartbeat
 * starts none.
 */
class LeaderLogSyncTest {

    @TempDir
    Path dir;

    private final AtomicLong synced = new AtomicLong();

    @Test
    void anAppendWithEntriesStartsASyncBeforeItIsSent() throws IOException {
        File segment = Files.write(dir.resolve("raft-1.log"), new byte[] { 1, 2, 3 }).toFile();
        try (LeaderLogSync sync = new LeaderLogSync("test", nanos -> synced.incrementAndGet())) {
            sync.readSegmentsWith(() -> new SegmentToSync(segment, null));
            AtomicReference<long[]> whenSent = new AtomicReference<>();
            RaftServerProtocol transport = sync.wrap(recording(() -> whenSent.compareAndSet(null, sync.indexes())));

            // The same entry goes to both followers: synced once.
            transport.append(MemberId.from("b"), request(List.of(new InitializeEntry(2, 0))));
            transport.append(MemberId.from("c"), request(List.of(new InitializeEntry(2, 0))));

            assertThat(whenSent.get()[0]).as("index asked to be synced when the append reached the transport")
                .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> sync.indexes()[1] == 1);
            assertThat(synced).hasValue(1);
        }
    }

    @Test
    void aHeartbeatStartsNoSync() throws IOException {
        File segment = Files.write(dir.resolve("raft-1.log"), new byte[] { 1 }).toFile();
        try (LeaderLogSync sync = new LeaderLogSync("test", nanos -> synced.incrementAndGet())) {
            sync.readSegmentsWith(() -> new SegmentToSync(segment, null));
            RaftServerProtocol transport = sync.wrap(recording(() -> { }));

            transport.append(MemberId.from("b"), request(List.of()));

            assertThat(sync.indexes()[0]).isZero();
        }
    }

    @Test
    void aSegmentDeletedMeanwhileIsNotAnError() {
        File gone = dir.resolve("raft-9.log").toFile();
        try (LeaderLogSync sync = new LeaderLogSync("test", nanos -> synced.incrementAndGet())) {
            sync.readSegmentsWith(() -> new SegmentToSync(gone, null));
            sync.requestSync(1, 5);
            await().atMost(Duration.ofSeconds(10)).until(() -> sync.indexes()[1] == 5);
            assertThat(synced).hasValue(0);
        }
    }

    private static AppendRequest request(List<RaftLogEntry> entries) {
        return AppendRequest.builder()
            .withTerm(2)
            .withLeader(MemberId.from("a"))
            .withPrevLogIndex(0)
            .withPrevLogTerm(0)
            .withEntries(entries)
            .withCommitIndex(0)
            .build();
    }

    private static RaftServerProtocol recording(Runnable onAppend) {
        RaftServerProtocol protocol = mock(RaftServerProtocol.class);
        given(protocol.append(any(), any())).willAnswer(invocation -> {
            onAppend.run();
            return new CompletableFuture<AppendResponse>();
        });
        return protocol;
    }
}
