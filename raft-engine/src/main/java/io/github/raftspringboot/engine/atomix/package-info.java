/**
 * The only package that knows Atomix: it runs Atomix's low-level Raft ({@code RaftServer} internals and
 * {@code RaftClient}) over our own gRPC peer transport and exposes it as a
 * {@link io.github.raftspringboot.engine.RaftEngine}. Nothing outside this package imports
 * {@code io.atomix} (an architecture test enforces it).
 */
package io.github.raftspringboot.engine.atomix;
