package dev.funnel.benchmarks.fleet;

import dev.funnel.embedded.ChildProcess;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.Ports;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A KRaft broker as its own process: {@code KafkaServerMain PORT READY_FILE}. Creates Funnel's
 * topics, then touches READY_FILE and runs until SIGTERM.
 */
public final class KafkaServerMain {
    private KafkaServerMain() {}

    /** A broker started by {@link #launch}: stop it by closing the process. */
    public record Child(ChildProcess process, String bootstrapServers) {}

    /** Starts a broker as a child JVM on a free port (log in work/kafka.log) and waits for it. */
    public static Child launch(Path work) {
        Path ready = work.resolve("kafka.ready");
        ChildProcess kafka = ChildProcess.start("kafka", List.of(FlinkJvm.java(), "-Xmx384m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), KafkaServerMain.class.getName(),
                Integer.toString(Ports.free()), ready.toString()), Map.of(), work.resolve("kafka.log"));
        try {
            kafka.awaitReady(() -> Files.exists(ready), 120_000);
            return new Child(kafka, Files.readString(ready).trim());
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw new IllegalStateException("Kafka broker: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-stop"));
        kafka.createTopics(2, Topics.EVENTS);
        kafka.createTopics(1, Topics.ALERTS, Topics.DEAD_LETTER);
        Files.writeString(Path.of(args[1]), kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
