package dev.changelake.schema;

/** A record that cannot be turned into a {@link ChangeRecord}; the message says why, for the operator. */
public class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
