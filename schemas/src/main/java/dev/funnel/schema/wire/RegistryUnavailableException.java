package dev.funnel.schema.wire;

/**
 * A record's writer schema could not be fetched because the registry did not answer (refused,
 * timed out, a 5xx), not because the record is bad. Nothing is wrong with the record: a reader
 * must not skip it or send it to the dead letters, but read it again once the registry is back.
 */
public final class RegistryUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
