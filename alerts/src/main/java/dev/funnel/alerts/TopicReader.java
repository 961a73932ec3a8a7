package dev.funnel.alerts;

import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.MalformedRecordException;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads Avro records (alerts, actions, action outcomes) from a topic through the registry. Only committed records are read: the
 * job writes alerts in Kafka transactions, one per checkpoint, so an aborted attempt's alerts
 * never show. A record that does not decode is reported and skipped, never fatal.
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
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    uncommitted = commits;
                    try {
                        onAlert.accept(decoder.decode(r.value()));
                    } catch (MalformedRecordException e) {
                        malformed++;
                        onMalformed.accept("offset " + r.partition() + "/" + r.offset() + ": " + e.getMessage());
                    }
                }
                commit();
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
