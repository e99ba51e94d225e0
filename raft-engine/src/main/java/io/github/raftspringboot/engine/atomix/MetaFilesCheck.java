package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiFunction;

import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.storage.system.Configuration;
import io.atomix.utils.serializer.Serializer;

import io.github.raftspringboot.engine.RaftStartupException;

/**
 * Checks the node's term and vote ({@code raft.meta}) and its last cluster configuration ({@code raft.conf}) before
 * Atomix opens them. Atomix reads both without a check: a damaged configuration failed the start with a buffer or
 * serializer error that named no file, and a {@code raft.meta} cut short is silently padded with zeros, read as term
 * 0 with no vote, which would let the node vote a second time in a term it already voted in. Neither file has a
 * checksum, so damage that leaves a well-formed term or configuration cannot be seen here.
 * <p>
 * The layouts (Atomix's {@code MetaStore}, big-endian): {@code raft.meta} is the term (8 bytes), then the vote: a
 * byte 1 followed by the member id (2-byte length, then its bytes), or a byte 0 for none. {@code raft.conf} is a
 * byte 1 followed by the configuration's length (4 bytes) and its serialized bytes, or a byte 0 for none.
 */
final class MetaFilesCheck {

    private static final int TERM = 8;

    private static final int VOTE_LENGTH = 2;

    private static final int CONF_LENGTH = 4;

    private final Path directory;

    private final String prefix;

    private final BiFunction<Path, String, RaftStartupException> damaged;

    /**
     * @param damaged builds the start-up failure for a damaged file and what is wrong with it
     */
    MetaFilesCheck(Path directory, String prefix, BiFunction<Path, String, RaftStartupException> damaged) {
        this.directory = directory;
        this.prefix = prefix;
        this.damaged = damaged;
    }

    void run() throws IOException {
        checkMeta(directory.resolve(prefix + ".meta"));
        checkConfiguration(directory.resolve(prefix + ".conf"));
    }

    private void checkMeta(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return; // not written yet: Atomix starts at term 0
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < TERM + 1) {
            throw damaged.apply(file, "it holds " + bytes.length + " bytes, fewer than the term and the vote marker ("
                    + (TERM + 1) + "): the node would forget its term and its vote");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long term = buffer.getLong(0);
        if (term < 0) {
            throw damaged.apply(file, "its term is negative (" + term + ")");
        }
        byte voted = bytes[TERM];
        if (voted == 0) {
            return;
        }
        if (voted != 1) {
            throw damaged.apply(file, "the byte that says whether it voted is " + voted + ", neither 0 nor 1");
        }
        if (bytes.length < TERM + 1 + VOTE_LENGTH) {
            throw damaged.apply(file, "it ends (" + bytes.length + " bytes) before the length of the vote");
        }
        int length = Short.toUnsignedInt(buffer.getShort(TERM + 1));
        int start = TERM + 1 + VOTE_LENGTH;
        if (length == 0 || start + length > bytes.length) {
            throw damaged.apply(file, "the vote's member id is " + length + " bytes long, which "
                    + ((length == 0) ? "no member id is" : "runs past the end of the file (" + bytes.length
                            + " bytes)"));
        }
        try {
            String vote = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, start, length))
                .toString();
            if (vote.chars().anyMatch(Character::isISOControl)) {
                throw damaged.apply(file, "the vote's member id holds control characters");
            }
        }
        catch (CharacterCodingException ex) {
            RaftStartupException failure = damaged.apply(file, "the vote's member id is not valid UTF-8 text");
            failure.addSuppressed(ex);
            throw failure;
        }
    }

    private void checkConfiguration(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return; // not written yet: no configuration stored
        }
        byte[] bytes = Files.readAllBytes(file);
        byte present = bytes[0];
        if (present == 0) {
            return;
        }
        if (present != 1) {
            throw damaged.apply(file, "the byte that says whether it holds a cluster configuration is " + present
                    + ", neither 0 nor 1");
        }
        if (bytes.length < 1 + CONF_LENGTH) {
            throw damaged.apply(file, "it ends (" + bytes.length + " bytes) before the length of the configuration");
        }
        int length = ByteBuffer.wrap(bytes).getInt(1);
        if (length == 0) {
            return; // Atomix reads this as no configuration
        }
        if (length < 0 || 1L + CONF_LENGTH + length > bytes.length) {
            throw damaged.apply(file, "the cluster configuration is said to be " + length + " bytes long, but the file"
                    + " holds " + bytes.length + " bytes");
        }
        Object decoded;
        try {
            decoded = Serializer.using(RaftNamespaces.RAFT_STORAGE)
                .decode(Arrays.copyOfRange(bytes, 1 + CONF_LENGTH, 1 + CONF_LENGTH + length));
        }
        catch (RuntimeException ex) {
            RaftStartupException failure = damaged.apply(file, "its cluster configuration cannot be read ("
                    + ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + firstLine(ex.getMessage())
                            : "") + ")");
            failure.addSuppressed(ex);
            throw failure;
        }
        if (!(decoded instanceof Configuration configuration) || configuration.members() == null
                || configuration.members().isEmpty() || configuration.index() < 0 || configuration.term() < 0) {
            throw damaged.apply(file, "it does not hold a valid cluster configuration (" + decoded + ")");
        }
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0) ? message : message.substring(0, end);
    }
}
