package dev.funnel.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The alert consumer through a schema registry outage, on a real broker and registry: an alert
 * whose schema the consumer has not fetched yet waits for the registry (said once), is neither
 * skipped nor committed past, and is printed once the registry is back. Found by the faults
 * bench: before, it was skipped as "not an alert" and the group's offset moved past it.
 */
class RegistryOutageTest {
    static final String TOPIC = "outage-test.alerts";

    @Test
    void anAlertWaitsForTheRegistryAndIsNeverSkipped() throws Exception {
        SharedPlatform.kafka().createTopics(1, TOPIC);
        String bootstrap = SharedPlatform.kafka().bootstrapServers();
        Path work = Files.createTempDirectory("funnel-registry-outage-");
        EmbeddedRegistry registry = EmbeddedRegistry.start(0, work, work);
        int port = registry.port();
        String url = registry.url();
        try {
            int id = new SchemaRegistry(url).register(Topics.valueSubject(TOPIC), Alert.getClassSchema());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "web-1".getBytes(StandardCharsets.UTF_8),
                        new WireEncoder<>(Alert.class, id).encode(AlertFormatTest.storm()))).get(30, TimeUnit.SECONDS);
            }
            registry.close();

            List<Alert> alerts = new CopyOnWriteArrayList<>();
            List<String> malformed = new CopyOnWriteArrayList<>();
            List<String> waiting = new CopyOnWriteArrayList<>();
            TopicReader<Alert> reader = TopicReader.alerts(bootstrap, url, TOPIC, "outage-test", true);
            Thread t = new Thread(() -> reader.run(alerts::add, malformed::add, waiting::add), "outage-reader");
            t.start();
            try {
                long end = System.currentTimeMillis() + 30_000;
                while (waiting.isEmpty() && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                Thread.sleep(2_000); // a few more polls while the registry is away
                assertEquals(List.of(), alerts);
                assertEquals(List.of(), malformed, "not a bad record: the registry is away");
                assertEquals(1, waiting.size(), "said once, not every poll: " + waiting);
                assertEquals(0L, reader.positions().get(0), "rewound to the alert, so nothing is committed past it");

                registry = EmbeddedRegistry.start(port, work, work); // back, with its schemas
                end = System.currentTimeMillis() + 60_000;
                while (alerts.isEmpty() && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_000);
                assertEquals(1, alerts.size(), "printed once the registry answers, once");
                assertEquals("fork_storm/h/1/0", alerts.get(0).getAlertId());
                assertTrue(malformed.isEmpty());
            } finally {
                reader.stop();
                t.join(5_000);
                reader.close();
            }
        } finally {
            registry.close();
        }
    }
}
