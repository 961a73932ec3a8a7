package dev.funnel.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** A PrintStream that keeps what is written (for assertions) and shows it on stderr as it comes (progress in the test log). */
final class TeeToStderr {
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(new OutputStream() {
        @Override
        public void write(int b) {
            kept.write(b);
            System.err.write(b);
        }
    }, true);

    @Override
    public String toString() {
        return kept.toString();
    }
}
