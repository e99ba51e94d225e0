package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.Executor;

import io.atomix.utils.concurrent.ThreadContext;

/**
 * Runs a task on a Raft node's thread: at once when already there, else queued to it. For the continuations of
 * Atomix's request handlers: Atomix completes a handler's future on its Raft thread, but a continuation attached with
 * {@code thenApply} after the future completed runs on the thread that attaches it, the gRPC event loop that
 * delivered the request. A follower's fsync there held up every message on that event loop, the leader's beats
 * included, and its election timer ran out (a verify saw three elections while a test's slow sync ran there); and
 * Atomix's log and roles are for its Raft thread only.
 */
final class OnRaftThread implements Executor {

    private final ThreadContext raftThread;

    OnRaftThread(ThreadContext raftThread) {
        this.raftThread = raftThread;
    }

    @Override
    public void execute(Runnable task) {
        if (raftThread.isCurrentContext()) {
            task.run();
        }
        else {
            raftThread.execute(task);
        }
    }
}
