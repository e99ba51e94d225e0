/**
 * Linearizability checking of key-value histories, for fault tests: clients record what they did with
 * {@link io.github.raftspringboot.test.history.HistoryRecorder}, and
 * {@link io.github.raftspringboot.test.history.LinearizabilityChecker} decides whether some order of those
 * operations, consistent with real time, explains every answer (see docs/reliability.md). No dependency on the
 * store under test: a test maps its client calls onto {@link io.github.raftspringboot.test.history.KvOperation}s.
 */
package io.github.raftspringboot.test.history;
