/**
 * The public API of raft-spring-boot: the replicated {@link io.github.raftspringboot.api.RaftKeyValueStore},
 * the {@link io.github.raftspringboot.api.RaftNode} view and operations of the local Raft member, the
 * {@link io.github.raftspringboot.api.RaftBackup} file format of its backups, and the application events published on
 * role and leader changes. Nothing in this package depends on the Raft engine.
 */
package io.github.raftspringboot.api;
