package dev.funnel.alerts;

import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.MalformedRecordException;
import dev.funnel.schema.wire.RegistryUnavailableException;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.WireDecoder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads Avro records (alerts, actions, action outcomes) from a topic through the registry. Only committed records are read: the
 * job writes alerts in Kafka transactions, one per checkpoint, so an aborted attempt's alerts
 * never show. A record that does not decode is reported and skipped, never fatal; one whose
 * schema the registry cannot give now (it is away) is read again until it can, never skipped.
 *
 * <p>With a consumer group, the position is committed as soon as a poll's alerts have been
 * handed on (not every 5 s, as auto-commit would: a reader killed with -9 then prints up to 5 s
 * of alerts again when it comes back). What remains is the moment between handing an alert on
 * and the commit, milliseconds. A commit that fails (the broker away) is tried again after the
 * next poll; the reader itself goes on.
 *
 * <p>Threading: run() on one thread; stop() from any other.
 */
public class TopicReader<T extends SpecificRecord> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final WireDecoder<T> decoder;
    private volatile boolean stopped;
    private long malformed;
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    /** A group reader commits its position; a throwaway one (no group) never does. */
    private final boolean commits;
    private boolean uncommitted;
    /** The registry did not answer for a record last poll: said once, until it answers again. */
    private boolean registryAway;

    /** Alerts. group empty: a throwaway group that starts at the end (or the beginning, fromBeginning). */
    public static TopicReader<Alert> alerts(String bootstrap, String registryUrl, String topic, String group,
            boolean fromBeginning) {
        return new TopicReader<>(Alert.class, bootstrap, registryUrl, topic, group, fromBeginning);
    }

    /** Records of type from topic. group empty: a throwaway group that starts at the end (or the beginning). */
    public TopicReader(Class<T> type, String bootstrap, String registryUrl, String topic, String group,
            boolean fromBeginning) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group.isEmpty() ? "funnel-alerts-" + UUID.randomUUID() : group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // committed after each poll's alerts: see above
        this.commits = !group.isEmpty();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "funnel-alerts");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = WireDecoder.of(type, new SchemaRegistry(registryUrl));
        consumer.subscribe(List.of(topic));
    }

    /** Polls until stop(), handing each record to onAlert and each bad record to onMalformed. */
    public void run(Consumer<T> onAlert, Consumer<String> onMalformed) {
        run(onAlert, onMalformed, note -> System.err.println("funnel: " + note));
    }

    /** As run(onAlert, onMalformed), and onWaiting hears (once per outage) that the registry is away. */
    public void run(Consumer<T> onAlert, Consumer<String> onMalformed, Consumer<String> onWaiting) {
        try {
            while (!stopped) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                boolean waiting = false;
                for (TopicPartition tp : polled.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                        try {
                            T record = decoder.decode(r.value());
                            uncommitted = commits;
                            onAlert.accept(record);
                        } catch (MalformedRecordException e) {
                            uncommitted = commits;
                            malformed++;
                            onMalformed.accept("offset " + r.partition() + "/" + r.offset() + ": " + e.getMessage());
                        } catch (RegistryUnavailableException e) {
                            // Nothing wrong with the record: read it again (and what follows it) later,
                            // and commit only what was handed on before it.
                            consumer.seek(tp, r.offset());
                            waiting = true;
                            if (!registryAway) {
                                onWaiting.accept("offset " + r.partition() + "/" + r.offset()
                                        + ": waiting for the schema registry to read it (" + e.getMessage() + ")");
                            }
                            break;
                        }
                    }
                }
                registryAway = waiting;
                commit();
                if (waiting) {
                    sleepUnlessStopped(1_000);
                }
                for (TopicPartition tp : consumer.assignment()) {
                    try {
                        positions.put(tp.partition(), consumer.position(tp, Duration.ofMillis(100)));
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        // not known yet: next round
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                throw e;
            }
        }
    }

    private void sleepUnlessStopped(long ms) {
        long end = System.currentTimeMillis() + ms;
        while (!stopped && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Commits the position past everything handed on, if there is anything new; a failure waits for the next poll. */
    private void commit() {
        if (!uncommitted) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(Duration.ofSeconds(5));
                uncommitted = false;
                return;
            } catch (WakeupException e) {
                // stop() woke the consumer; the wake-up is spent now, so the second attempt commits.
            } catch (org.apache.kafka.common.KafkaException e) {
                return; // the broker away or the group rebalancing: tried again after the next poll
            }
        }
    }

    /**
     * Per partition, the offset this reader will read next (past every record and transaction
     * marker it has been through): compare with the topic's committed end offsets to know
     * that every committed alert has been handed on.
     */
    public Map<Integer, Long> positions() {
        return Map.copyOf(positions);
    }

    public long malformed() {
        return malformed;
    }

    public void stop() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        commit();
        consumer.close(Duration.ofSeconds(2));
    }
}
