package dev.funnel.collector.config;

/** A bad configuration: the message names the key (and file) at fault. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
