package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import java.io.PrintStream;
import sun.misc.Signal;

/**
 * SIGUSR1 pauses the collector (every BPF program detached: nothing observed, nothing paid on
 * the host), SIGUSR2 resumes it. Only a user who may signal the collector (root, or its own
 * uid) can, so a maintenance window needs no network-facing control; bench/host-overhead.sh
 * uses it to measure the programs' cost against a warm, otherwise identical collector.
 */
final class PauseSignals {
    private PauseSignals() {}

    static void install(Collector c, PrintStream err) {
        try {
            Signal.handle(new Signal("USR1"), s -> {
                c.pause();
                err.println("funnel collector: paused (SIGUSR1): every program detached; SIGUSR2 resumes");
            });
            Signal.handle(new Signal("USR2"), s -> {
                c.resume();
                err.println("funnel collector: resumed (SIGUSR2)");
            });
        } catch (IllegalArgumentException e) {
            err.println("funnel collector: pause/resume signals unavailable: " + e.getMessage());
        }
    }
}
