package io.github.raftspringboot.api;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The state bytes of a backup as {@link RaftBackup#open} gives them; at their end, the SHA-256 that follows them
 * is read and compared.
 */
final class VerifyingStateStream extends InputStream {

    private final InputStream raw;

    private final InputStream digesting;

    private final MessageDigest digest;

    private long remaining;

    private boolean verified;

    VerifyingStateStream(InputStream raw, InputStream digesting, MessageDigest digest, long length) {
        this.raw = raw;
        this.digesting = digesting;
        this.digest = digest;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return (read < 0) ? -1 : Byte.toUnsignedInt(one[0]);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining == 0) {
            verify();
            return -1;
        }
        int read = digesting.read(buffer, offset, (int) Math.min(length, remaining));
        if (read < 0) {
            throw BackupFileFormat.truncated();
        }
        remaining -= read;
        return read;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        byte[] expected = digest.digest();
        byte[] actual = raw.readNBytes(expected.length);
        if (actual.length < expected.length) {
            throw BackupFileFormat.truncated();
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw BackupFileFormat.damaged();
        }
        verified = true;
    }
}
