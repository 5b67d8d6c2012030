package dev.changelake.jobs.clean;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.apache.calcite.avatica.util.ByteString;

/**
 * The functions cleaning rules add to SQL for personal data: {@code sha256}, {@code mask} and {@code redact}. Each
 * public static method is registered under its own name (overloads by parameter types), except those taking a
 * ByteString; all return VARCHAR and give NULL for NULL input.
 *
 * <p>Public only because the code Calcite generates for a rule lives in another package and calls these methods
 * directly; it is not meant to be called from Java.
 */
public final class PiiFunctions {
    static final String REDACTED = "[redacted]";
    private static final int MASK_KEEP_DEFAULT = 4;

    private PiiFunctions() {
    }

    /** Lower-case hex of the SHA-256 of the text's UTF-8 bytes. */
    public static String sha256(String text) {
        return text == null ? null : hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex of the SHA-256 of the bytes themselves (BINARY columns). */
    public static String sha256(byte[] bytes) {
        return bytes == null ? null : hex(bytes);
    }

    /**
     * What the generated code actually calls for a BINARY argument: Calcite holds binary values as ByteString, and
     * passes them without converting, so the Java compiler picks this overload. Not registered with Calcite (it
     * has no SQL type for a ByteString parameter): {@link #sha256(byte[])} is what the validator sees.
     */
    public static String sha256(ByteString bytes) {
        return bytes == null ? null : hex(bytes.getBytes());
    }

    /** Every character but the last 4 replaced by {@code *}. */
    public static String mask(String text) {
        return mask(text, MASK_KEEP_DEFAULT);
    }

    /** Every character but the last {@code keep} replaced by {@code *}; a text no longer than that stays as is. */
    public static String mask(String text, int keep) {
        if (text == null) {
            return null;
        }
        // Count code points, not chars, so a surrogate pair is one character, masked or kept whole.
        int length = text.codePointCount(0, text.length());
        int masked = Math.max(0, length - Math.max(0, keep));
        return "*".repeat(masked) + text.substring(text.offsetByCodePoints(0, masked));
    }

    /** {@code '[redacted]'} for any non-null value. */
    public static String redact(String text) {
        return text == null ? null : REDACTED;
    }

    private static String hex(byte[] bytes) {
        try {
            return lowerHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** Lowercase hex of {@code bytes}, two digits a byte (as Java 17's HexFormat.of().formatHex). */
    private static String lowerHex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
