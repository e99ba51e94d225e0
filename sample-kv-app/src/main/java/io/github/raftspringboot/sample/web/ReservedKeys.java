package io.github.raftspringboot.sample.web;

/**
 * Keys under {@value #PREFIX} hold the service's own data (each node's HTTP address). Clients may read them but
 * not write them; listings and backups leave them out.
 */
final class ReservedKeys {

    static final String PREFIX = "_sample/";

    private ReservedKeys() {
    }

    static boolean isReserved(String key) {
        return key.startsWith(PREFIX);
    }

    /** Refuses a client write to a reserved key. */
    static String checkWritable(String key) {
        if (isReserved(key)) {
            throw new IllegalArgumentException("Key '" + key + "' is reserved: keys starting with '" + PREFIX
                    + "' belong to the service itself; choose another key");
        }
        return key;
    }
}
