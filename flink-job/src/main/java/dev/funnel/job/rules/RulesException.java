package dev.funnel.job.rules;

/** A bad rules file: the message names the file, the detector and the key. */
public class RulesException extends RuntimeException {
    public RulesException(String message) {
        super(message);
    }
}
