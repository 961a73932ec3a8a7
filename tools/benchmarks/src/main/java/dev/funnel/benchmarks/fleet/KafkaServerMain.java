package dev.funnel.benchmarks.fleet;

import dev.funnel.embedded.ChildProcess;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.Ports;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A KRaft broker as its own process: {@code KafkaServerMain PORT READY_FILE [CONTROLLER_PORT
 * DATA_DIR]}. Creates Funnel's topics (unless they exist), then touches READY_FILE and runs until
 * SIGTERM. With a DATA_DIR its data outlives it: started again with the same arguments, it is the
 * same broker back with its topics, offsets and transactions.
 */
public final class KafkaServerMain {
    private KafkaServerMain() {}

    /** A broker started by {@link #launch}: stop it by closing the process. */
    public record Child(ChildProcess process, String bootstrapServers) {}

    /** Starts a broker as a child JVM on a free port (log in work/kafka.log) and waits for it. */
    public static Child launch(Path work) {
        return launch(work, Ports.free(), 0, null);
    }

    /**
     * Starts a broker at port; with a dataDir (and controllerPort), one whose data stays for a
     * restart by another launch with the same arguments.
     */
    public static Child launch(Path work, int port, int controllerPort, Path dataDir) {
        Path ready = work.resolve("kafka.ready");
        try {
            Files.deleteIfExists(ready);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(FlinkJvm.java(), "-Xmx384m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), KafkaServerMain.class.getName(),
                Integer.toString(port), ready.toString()));
        if (dataDir != null) {
            cmd.addAll(List.of(Integer.toString(controllerPort), dataDir.toString()));
        }
        ChildProcess kafka = ChildProcess.start("kafka", cmd, Map.of(), work.resolve("kafka.log"));
        try {
            kafka.awaitReady(() -> Files.exists(ready), 120_000);
            return new Child(kafka, Files.readString(ready).trim());
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw new IllegalStateException("Kafka broker: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EmbeddedKafka kafka = args.length > 3
                ? EmbeddedKafka.startAt(port, Integer.parseInt(args[2]), Path.of(args[3]))
                : EmbeddedKafka.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-stop"));
        kafka.createTopics(2, Topics.EVENTS);
        kafka.createTopics(1, Topics.ALERTS, Topics.DEAD_LETTER, Topics.ACTIONS, Topics.ACTIONS_AUDIT);
        Files.writeString(Path.of(args[1]), kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
