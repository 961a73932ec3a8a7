package dev.funnel.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real parts really run: a record survives a broker restart; the registry speaks the Confluent API. */
@Timeout(240)
class EmbeddedPlatformTest {
    @Test
    void aRecordWrittenBeforeARestartIsReadAfterIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            kafka.createTopics(1, "t");
            Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(pc)) {
                p.send(new ProducerRecord<>("t", "k", "before")).get();
            }
            kafka.stop();
            assertFalse(Ports.listening(kafka.port()), "stopped means the port is closed");
            kafka.restart();
            Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cc)) {
                c.subscribe(List.of("t"));
                ConsumerRecords<String, String> got = ConsumerRecords.empty();
                for (int i = 0; i < 30 && got.isEmpty(); i++) {
                    got = c.poll(Duration.ofSeconds(1));
                }
                assertEquals("before", got.iterator().next().value());
            }
        }
    }

    @Test
    void theRegistryAnswersTheConfluentApi() throws Exception {
        EmbeddedRegistry r = SharedPlatform.registry();
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[]}\"}";
        HttpResponse<String> reg = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/subjects/s-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reg.statusCode(), reg.body());
        assertTrue(reg.body().contains("\"id\""), reg.body());
    }
}
