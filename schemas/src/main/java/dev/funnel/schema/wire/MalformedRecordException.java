package dev.funnel.schema.wire;

/** A record that is not a valid Confluent-framed Avro record of a known schema. */
public class MalformedRecordException extends Exception {
    /** Why, in the terms the dead-letter header uses. */
    public enum Reason { EMPTY, BAD_MAGIC_BYTE, UNKNOWN_SCHEMA_ID, UNREADABLE_SCHEMA, TRUNCATED_AVRO, BAD_AVRO }

    private final Reason reason;

    public MalformedRecordException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
