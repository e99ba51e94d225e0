/** Locks and named elections on the key-value store's leases. */
package io.github.raftspringboot.engine.lock;
