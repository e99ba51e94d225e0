package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class BackgroundSyncTest {

    private static final int STEP = (int) BackgroundSync.STEP_BYTES;

    @Test
    void aSyncStartsOnceAStepIsWrittenAndNotBefore() throws IOException {
        AtomicInteger syncs = new AtomicInteger();
        List<Runnable> started = new ArrayList<>();
        BackgroundSync sync = new BackgroundSync(syncs::incrementAndGet, started::add, "file");

        sync.written(STEP - 1);
        assertThat(started).isEmpty();
        sync.written(1);
        assertThat(started).hasSize(1);
        started.get(0).run();
        assertThat(syncs).hasValue(1);

        sync.written(STEP / 2);
        assertThat(started).as("half a step since the last sync").hasSize(1);
        sync.finish();
    }

    @Test
    void noSecondSyncStartsWhileOneIsUnderWay() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            BackgroundSync sync = new BackgroundSync(() -> {
                syncs.incrementAndGet();
                await(release);
            }, executor, "file");
            sync.written(STEP);
            sync.written(STEP);
            sync.written(STEP);
            release.countDown();
            sync.finish();
            assertThat(syncs).as("the steps written during the first sync wait for the next write").hasValue(1);
            sync.written(1);
            sync.finish();
            assertThat(syncs).hasValue(2);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aFailedSyncFailsTheFileAtItsEnd() {
        BackgroundSync sync = new BackgroundSync(() -> {
            throw new IOException("EIO");
        }, Runnable::run, "restore.partial");
        sync.written(STEP);
        assertThatIOException().isThrownBy(sync::finish).withMessageContaining("restore.partial").withMessageContaining("EIO");
    }

    @Test
    void aNodeThatStopsFailsTheFileInsteadOfThrowingToTheWriter() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.shutdown();
        BackgroundSync sync = new BackgroundSync(() -> { }, executor, "file");
        sync.written(STEP);
        assertThatIOException().isThrownBy(sync::finish).withMessageContaining("stopping");
    }

    @Test
    void aFileClosedDuringItsSyncIsNoFailure(@TempDir Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        List<Runnable> started = new ArrayList<>();
        BackgroundSync sync = new BackgroundSync(channel, started::add, "f");
        channel.write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
        sync.written(STEP);
        channel.close();
        started.get(0).run();
        sync.finish();
    }

    @Test
    void aRealFileIsSyncedInSteps(@TempDir Path directory) throws IOException {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (FileChannel channel = FileChannel.open(directory.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            AtomicInteger syncs = new AtomicInteger();
            BackgroundSync sync = new BackgroundSync(() -> {
                syncs.incrementAndGet();
                channel.force(false);
            }, executor, "f");
            ByteBuffer megabyte = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 3 * STEP / megabyte.capacity(); i++) {
                megabyte.clear();
                channel.write(megabyte);
                sync.written(megabyte.capacity());
                if ((i + 1) % (STEP / megabyte.capacity()) == 0) {
                    sync.finish();
                }
            }
            sync.finish();
            assertThat(syncs).hasValue(3);
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
