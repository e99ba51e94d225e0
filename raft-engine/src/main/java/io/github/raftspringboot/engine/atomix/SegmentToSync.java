package io.github.raftspringboot.engine.atomix;

import java.io.File;

import io.atomix.storage.journal.SegmentWrittenMark;

/**
 * The log segment the writer appends to, as the leader's early sync needs it: its file, and what its writer had
 * written when this was taken ({@code written}: null when the segment's writer is Atomix's own), to be credited once
 * a sync of the file started after that has finished.
 */
record SegmentToSync(File file, SegmentWrittenMark written) {
}
