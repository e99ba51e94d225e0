package io.github.raftspringboot.test.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One direction of one proxied connection: a reader thread that takes bytes from the source and decides, by the
 * proxy's current {@link Flow}, to drop them or queue them with a due time, and a writer thread that delivers the
 * queue in order once each chunk is due. Two threads so that a delay adds latency without limiting throughput,
 * and the queue is first-in first-out so that changing the delay never reorders bytes.
 */
final class Pump {

    private static final int CHUNK = 16 * 1024;

    private static final long HOLD_POLL_MILLIS = 2;

    private final ProxiedConnection connection;

    private final Direction direction;

    private final Socket source;

    private final Socket destination;

    private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

    private final Thread reader;

    private final Thread writer;

    /** Bytes (or the end of the stream) were dropped: the stream behind is no longer whole. Guarded by this. */
    private boolean lostBytes;

    Pump(ProxiedConnection connection, Direction direction, Socket source, Socket destination, String name) {
        this.connection = connection;
        this.direction = direction;
        this.source = source;
        this.destination = destination;
        this.reader = daemon(this::read, name + "-" + direction.label() + "-read");
        this.writer = daemon(this::write, name + "-" + direction.label() + "-write");
    }

    void start() {
        reader.start();
        writer.start();
    }

    List<Thread> threads() {
        return List.of(reader, writer);
    }

    /** Stops the writer if it waits for a chunk or its due time; the reader stops when the sockets close. */
    void stop() {
        writer.interrupt();
    }

    /**
     * Whether bytes of this direction were dropped and it now forwards again: the receiver would see a stream with
     * a hole, so the connection must be reset instead. Under the same lock as {@link #accept}, so a drop decided
     * just before a mode change is seen here.
     */
    synchronized boolean lostBytesAndHealed(Flow flow) {
        return lostBytes && !flow.dropping();
    }

    private void read() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = source.getInputStream();
            int read;
            do {
                read = in.read(buffer);
                accept(read < 0 ? null : Arrays.copyOf(buffer, read));
            }
            while (read >= 0);
        }
        catch (IOException ex) {
            connection.abort(direction.label() + " read: " + ex.getMessage());
        }
    }

    /** Queues a chunk ({@code null}: end of stream) or drops it, by the flow in force now. */
    private synchronized void accept(byte[] data) {
        Flow flow = connection.flow(direction);
        if (flow.dropping()) {
            lostBytes = true;
            connection.counters().dropped(direction, data == null ? 0 : data.length);
            return;
        }
        queue.add(new Chunk(data, System.nanoTime() + flow.delay().toNanos()));
    }

    private void write() {
        try {
            OutputStream out = destination.getOutputStream();
            while (true) {
                Chunk chunk = queue.take();
                long wait = chunk.dueAt() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                while (connection.flow(direction).holding()) {
                    // A paused peer: keep the bytes, in order, until the flow changes (a delivery loop, not a test wait).
                    TimeUnit.MILLISECONDS.sleep(HOLD_POLL_MILLIS);
                }
                if (chunk.data() == null) {
                    destination.shutdownOutput();
                    connection.ended(direction);
                    return;
                }
                out.write(chunk.data());
                out.flush();
                connection.counters().forwarded(direction, chunk.data().length);
            }
        }
        catch (InterruptedException ex) {
            // Stopped by the connection's abort: nothing more to deliver.
            Thread.currentThread().interrupt();
        }
        catch (IOException ex) {
            connection.abort(direction.label() + " write: " + ex.getMessage());
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private record Chunk(byte[] data, long dueAt) {
    }
}
