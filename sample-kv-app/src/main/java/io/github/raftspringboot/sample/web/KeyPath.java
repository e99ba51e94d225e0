package io.github.raftspringboot.sample.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The key of {@code /key/<key>}, read from the URL exactly as the client sent it: everything after {@code /key/},
 * %-decoded as UTF-8, slashes included. Nothing is stripped or normalized, so a path parameter ({@code ;...}) is
 * refused rather than silently dropped, and a malformed escape is refused rather than guessed at.
 */
final class KeyPath {

    static final String QUERY_FORM = "GET or DELETE /key?key=<url-encoded key>";

    private KeyPath() {
    }

    static String of(HttpServletRequest request) {
        String raw = request.getRequestURI();
        String prefix = request.getContextPath() + "/key/";
        String encoded = raw.startsWith(prefix) ? raw.substring(prefix.length()) : "";
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("The key is missing: use /key/<key>, e.g. /key/user");
        }
        if (encoded.indexOf(';') >= 0) {
            throw new IllegalArgumentException("The key path '" + encoded + "' contains ';', which would make a "
                    + "path parameter (e.g. ;jsessionid=1) that this API neither strips nor ignores: encode a ';' "
                    + "that belongs to the key as %3B, or use " + QUERY_FORM);
        }
        return decode(encoded);
    }

    /** %-decodes as UTF-8; unlike form decoding, '+' stays '+'. */
    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = (i + 2 < encoded.length()) ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = (high >= 0) ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new IllegalArgumentException("The key path '" + encoded + "' has a malformed %-escape at "
                        + "position " + i + ": write a '%' that belongs to the key as %25");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new IllegalArgumentException("The key path '" + encoded + "' is not UTF-8 once %-decoded: "
                    + "encode keys as UTF-8 bytes");
        }
    }
}
