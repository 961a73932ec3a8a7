package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.collector.sink.StdoutJsonSink;
import java.io.PrintStream;

/** Builds the sink the config names. */
final class Sinks {
    private Sinks() {}

    static EventSink create(Collector c, PrintStream out, PrintStream err) {
        return switch (c.config().string("sink")) {
            case "stdout" -> new StdoutJsonSink(out);
            default -> throw new IllegalStateException("sink " + c.config().string("sink") + " is not built yet");
        };
    }
}
