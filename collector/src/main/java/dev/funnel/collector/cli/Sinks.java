package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import dev.funnel.collector.StartupException;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.collector.sink.KafkaEventSink;
import dev.funnel.collector.sink.StdoutJsonSink;
import dev.funnel.schema.wire.SchemaRegistry;
import java.io.PrintStream;

/** Builds the sink the config names. */
final class Sinks {
    private Sinks() {}

    static EventSink create(Collector c, PrintStream out, PrintStream err) {
        return switch (c.config().string("sink")) {
            case "stdout" -> new StdoutJsonSink(out);
            case "kafka" -> {
                try {
                    yield new KafkaEventSink(c.config(), c.host(), c.loss());
                } catch (SchemaRegistry.RegistryException e) {
                    throw new StartupException("schema registry: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalStateException("unknown sink " + c.config().string("sink"));
        };
    }
}
