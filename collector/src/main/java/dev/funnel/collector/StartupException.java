package dev.funnel.collector;

/** The collector cannot start; the message says what is missing (registry, Kafka config...). */
public class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
