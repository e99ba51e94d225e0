package io.github.raftspringboot.api;

import java.io.IOException;

/**
 * A file or stream that {@link RaftBackup#readFrom} refused: not a backup, cut short, damaged, or written by a
 * newer format. The message says which, in words an operator can act on.
 */
public class InvalidBackupException extends IOException {

    public InvalidBackupException(String message) {
        super(message);
    }

    public InvalidBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
