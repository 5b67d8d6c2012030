package dev.changelake.schema;

/**
 * The record's writer schema could not be had (the schema store or registry is unreachable, or does not hold it):
 * the record itself may be perfectly good. Unlike other {@link DecodeException}s, skipping it would lose a change
 * that a retry could read, so a job should fail (and restart from its checkpoint) rather than dead-letter it.
 */
public class WriterSchemaUnavailableException extends DecodeException {
    private static final long serialVersionUID = 1L;

    public WriterSchemaUnavailableException(String message) {
        super(message);
    }

    public WriterSchemaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
