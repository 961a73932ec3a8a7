package dev.funnel.collector.bpf;

/** A libbpf or kernel call failed; the message carries errno and libbpf's log. */
public class BpfException extends RuntimeException {
    public BpfException(String message) {
        super(message);
    }

    public BpfException(String message, Throwable cause) {
        super(message, cause);
    }
}
