package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import dev.funnel.collector.StartupException;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.sink.KafkaEventSink;
import dev.funnel.collector.sink.KafkaSinkSettings;
import dev.funnel.collector.sink.StdoutJsonSink;
import dev.funnel.schema.wire.SchemaRegistry;
import java.io.PrintStream;

/** The sink the config names, as a factory the collector calls once it knows its host. */
public final class Sinks {
    private Sinks() {}

    public static Collector.SinkFactory of(CollectorConfig config, PrintStream out) {
        return switch (config.string("sink")) {
            case "stdout" -> (host, loss) -> new StdoutJsonSink(out);
            case "kafka" -> kafka(config.kafkaSink());
            default -> throw new IllegalStateException("unknown sink " + config.string("sink"));
        };
    }

    /** Events to Kafka; a registry that refuses the schema stops the start with its reason. */
    public static Collector.SinkFactory kafka(KafkaSinkSettings settings) {
        return (host, loss) -> {
            try {
                return new KafkaEventSink(settings, host, loss);
            } catch (SchemaRegistry.RegistryException e) {
                throw new StartupException("schema registry: " + e.getMessage(), e);
            }
        };
    }
}
