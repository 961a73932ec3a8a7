package dev.funnel.alerts.actions;

import dev.funnel.schema.Action;
import dev.funnel.schema.wire.MalformedRecordException;
import dev.funnel.schema.wire.RegistryUnavailableException;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireDecoder;
import dev.funnel.schema.wire.WireEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The actions topic as a log of decisions: reads every committed record up to the end, keeps
 * each action's latest state by id (a pending action followed by its approval is approved), and
 * appends approvals and rejections. An approval is a copy of the pending record with decision
 * approved and a fresh ttl: the collector needs nothing but that record to act.
 */
public final class ActionLog {
    private final String bootstrap;
    private final String topic;
    private final SchemaRegistry registry;

    public ActionLog(String bootstrap, String registryUrl, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.registry = new SchemaRegistry(registryUrl);
    }

    /** Every action's latest record, by action id, in the order first seen. Skips what does not decode. */
    public Map<String, Action> latest() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "funnel-actions");
        Map<String, Action> byId = new LinkedHashMap<>();
        WireDecoder<Action> decoder = WireDecoder.of(Action.class, registry);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        Action a = decoder.decode(r.value());
                        byId.put(a.getActionId(), a);
                    } catch (MalformedRecordException e) {
                        System.err.println("funnel actions: skipped an undecodable record at " + r.partition() + "/"
                                + r.offset() + ": " + e.getMessage());
                    } catch (RegistryUnavailableException e) {
                        // A listing without some actions would be wrong (an approval looks missing): refuse it.
                        throw new IllegalStateException("cannot read " + topic + " at " + r.partition() + "/" + r.offset()
                                + ": the schema registry does not answer (" + e.getMessage() + "); try again when it is back", e);
                    }
                }
            }
        }
        return byId;
    }

    /** Actions waiting for approval whose approval ttl has not lapsed at nowNs. */
    public static List<Action> pending(Map<String, Action> latest, long nowNs) {
        return latest.values().stream()
                .filter(a -> a.getDecision().equals("pending_approval") && a.getExpiresNs() > nowNs).toList();
    }

    /** Appends pending's answer: approved (to run within ttlMs from now) or rejected; returns the record written. */
    public Action answer(Action pending, boolean approve, String who, long ttlMs)
            throws SchemaRegistry.RegistryException, InterruptedException, ExecutionException, TimeoutException {
        long now = System.currentTimeMillis() * 1_000_000L;
        Action answer = Action.newBuilder(pending).setDecision(approve ? "approved" : "rejected")
                .setReason((approve ? "approved" : "rejected") + " by " + who)
                .setIssuedNs(now).setExpiresNs(now + ttlMs * 1_000_000L).build();
        int id = registry.register(Topics.valueSubject(topic), Action.getClassSchema());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "funnel-actions");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, pending.getHost().getBytes(StandardCharsets.UTF_8),
                    new WireEncoder<>(Action.class, id).encode(answer))).get(30, TimeUnit.SECONDS);
        }
        return answer;
    }
}
