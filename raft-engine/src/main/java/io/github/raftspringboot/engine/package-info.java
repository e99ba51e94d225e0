/**
 * The seam between the Spring side and the Raft engine: resolved node settings, the replicated state machine
 * contract, and the {@link io.github.raftspringboot.engine.RaftEngine} interface. Only the
 * {@code engine.atomix} sub-package knows which Raft implementation runs behind it.
 */
package io.github.raftspringboot.engine;
