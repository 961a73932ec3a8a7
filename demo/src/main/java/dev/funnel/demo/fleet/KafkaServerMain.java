package dev.funnel.demo.fleet;

import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.schema.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A KRaft broker as its own process: {@code KafkaServerMain PORT READY_FILE}. Creates Funnel's
 * topics, then touches READY_FILE and runs until SIGTERM.
 */
public final class KafkaServerMain {
    private KafkaServerMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-stop"));
        kafka.createTopics(2, Topics.EVENTS);
        kafka.createTopics(1, Topics.ALERTS, Topics.DEAD_LETTER);
        Files.writeString(Path.of(args[1]), kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
