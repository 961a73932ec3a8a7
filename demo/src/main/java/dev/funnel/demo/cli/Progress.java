package dev.funnel.demo.cli;

import java.io.PrintStream;

/**
 * Progress lines for commands that take a while: what is starting, what is ready and how long it
 * took. Goes to stderr so stdout stays the command's output (alerts).
 */
public final class Progress {
    private final String command;
    private final PrintStream err;
    private final long started = System.nanoTime();

    public Progress(String command, PrintStream err) {
        this.command = command;
        this.err = err;
    }

    /** Runs a step, printing "starting X ..." and "X ready (1.2 s)"; returns what it built. */
    public <T> T step(String what, java.util.function.Supplier<T> action) {
        err.printf("%s: starting %s ...%n", command, what);
        long t0 = System.nanoTime();
        T result = action.get();
        err.printf("%s: %s ready (%.1f s)%n", command, what, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    public void say(String format, Object... args) {
        err.printf(command + ": " + format + "%n", args);
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
