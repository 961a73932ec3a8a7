package dev.funnel.collector.remediate;

import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.schema.Action;
import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.wire.MalformedRecordException;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.RegistryUnavailableException;
import dev.funnel.schema.wire.WireDecoder;
import dev.funnel.schema.wire.WireEncoder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The collector's remediation loop, on its own thread: reads funnel.actions, keeps its own
 * host's records (the key), has the executor carry out each one it handles, and reports every
 * outcome on funnel.actions.audit, on stderr and in its counters. Offsets are committed after
 * each poll's actions are done (a restart resumes there; what expired meanwhile is reported
 * as expired, never run late). A new consumer group starts at the topic's end: old actions are
 * not this run's to replay. A record it cannot decode is counted and skipped.
 *
 * <p>Threading: one loop thread owns the consumer, producer and executor; counts() from any thread.
 */
public final class Remediator implements AutoCloseable {
    /** Where actions come from and outcomes go, and the host's own protections. */
    public record Settings(String bootstrapServers, String registryUrl, String actionsTopic, String auditTopic,
            Set<String> protectedExe, List<String> protectedCmdline, Path cgroupRoot) {}

    private final Settings settings;
    private final HostInfo host;
    private final ActionExecutor executor;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final SchemaRegistry registry;
    private final WireDecoder<Action> decoder;
    /** The last poll stopped at an action the registry could not give: said once until it can. Loop thread only. */
    private boolean registryAway;
    private final PrintStream log;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private WireEncoder<ActionOutcome> encoder;

    private Remediator(Settings settings, HostInfo host, PrintStream log) {
        this.settings = settings;
        this.host = host;
        this.log = log;
        this.executor = new ActionExecutor(ActionExecutor.HostView.system(host.bootId(), settings.cgroupRoot()),
                settings.protectedExe(), settings.protectedCmdline(), () -> System.currentTimeMillis() * 1_000_000L);
        this.registry = new SchemaRegistry(settings.registryUrl());
        this.decoder = WireDecoder.of(Action.class, registry);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "funnel-collector-" + host.hostName());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "funnel-collector-remediation");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the job writes in transactions
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "funnel-collector-audit");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::loop, "funnel-remediation");
        this.thread.setDaemon(true);
    }

    /** Joins the actions topic (up to 15 s for the group's first assignment) and starts the loop. */
    public static Remediator start(Settings settings, HostInfo host, PrintStream log) {
        Remediator r = new Remediator(settings, host, log);
        r.consumer.subscribe(List.of(settings.actionsTopic()));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (r.consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            r.handle(r.consumer.poll(Duration.ofMillis(200)).records(settings.actionsTopic()));
        }
        // Fix where a new group starts (the end, now), so an action issued from here on is seen.
        // With the broker away this waits for nothing: the loop joins once it is back.
        try {
            r.consumer.assignment().forEach(tp -> r.consumer.position(tp, Duration.ofSeconds(5)));
            r.consumer.commitSync(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            log.println("funnel collector: remediation starts without its position committed: " + e.getMessage());
        }
        r.thread.start();
        return r;
    }

    /**
     * Polls until close(). A Kafka error (the broker away, a rebalance) is counted, said once per
     * kind, and waited out; handled actions whose commit failed are read again and then found
     * done (the kill's target gone) or expired, never acted on twice in a way that matters.
     */
    private void loop() {
        Class<?> lastError = null;
        while (running) {
            try {
                var records = consumer.poll(Duration.ofMillis(500));
                boolean waiting = handle(records.records(settings.actionsTopic()));
                if (!records.isEmpty()) {
                    consumer.commitSync(Duration.ofSeconds(10));
                }
                lastError = null;
                if (waiting) {
                    sleep(1_000); // the registry is away: the action is read again then
                }
            } catch (WakeupException e) {
                return; // close() asked us to stop
            } catch (KafkaException e) {
                count("kafka_errors");
                if (e.getClass() != lastError) {
                    log.println("funnel collector: remediation waits for Kafka: " + e);
                    lastError = e.getClass();
                }
                sleep(1_000);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Carries out this host's actions among records; returns whether it stopped at one whose
     * schema the registry could not give (that partition is then rewound to it, to read again).
     */
    private boolean handle(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        byte[] me = host.hostName().getBytes(StandardCharsets.UTF_8);
        java.util.Set<Integer> rewound = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (rewound.contains(r.partition()) || r.key() == null || !java.util.Arrays.equals(r.key(), me)) {
                continue;
            }
            Action a;
            try {
                a = decoder.decode(r.value());
            } catch (MalformedRecordException e) {
                count("malformed");
                log.println("funnel collector: skipped an undecodable action at " + r.topic() + "/" + r.partition()
                        + "/" + r.offset() + ": " + e.getMessage());
                continue;
            } catch (RegistryUnavailableException e) {
                // A good action whose schema cannot be fetched now: never skipped, read again later.
                consumer.seek(new org.apache.kafka.common.TopicPartition(r.topic(), r.partition()), r.offset());
                rewound.add(r.partition());
                count("registry_waits");
                if (!registryAway) {
                    log.println("funnel collector: remediation waits for the schema registry to read the action at "
                            + r.topic() + "/" + r.partition() + "/" + r.offset() + ": " + e.getMessage());
                }
                continue;
            }
            if (!ActionExecutor.handles(a)) {
                continue;
            }
            List<Outcome> outcomes;
            try {
                outcomes = executor.execute(a);
            } catch (RuntimeException e) { // a bug must not stop remediation for the next action
                outcomes = List.of(new Outcome("failed", 0, "the executor failed: " + e, System.currentTimeMillis() * 1_000_000L));
            }
            for (Outcome o : outcomes) {
                count(o.outcome());
                log.printf("funnel collector: action %s %s pid %d (%s): %s, %s%n", a.getActionId(), a.getAction(),
                        a.getPid(), a.getDecision(), o.outcome(), o.detail());
                audit(a, o);
            }
        }
        registryAway = !rewound.isEmpty();
        return registryAway;
    }

    private void audit(Action a, Outcome o) {
        Long sinceIncident = a.getFirstEventNs() > 0 ? (o.atNs() - a.getFirstEventNs()) / 1_000_000 : null;
        ActionOutcome record = new ActionOutcome(a.getActionId(), a.getAlertId(), host.hostName(), a.getPid(),
                a.getAction(), o.outcome(), o.errno(), o.detail(), o.atNs(), sinceIncident);
        try {
            if (encoder == null) {
                String subject = Topics.valueSubject(settings.auditTopic());
                int id = registry.register(subject, ActionOutcome.getClassSchema());
                registry.setCompatibility(subject, "BACKWARD");
                encoder = new WireEncoder<>(ActionOutcome.class, id);
            }
            producer.send(new ProducerRecord<>(settings.auditTopic(), host.hostName().getBytes(StandardCharsets.UTF_8),
                    encoder.encode(record)), (meta, e) -> {
                        if (e != null) {
                            count("audit_failed");
                            log.println("funnel collector: audit record for " + a.getActionId() + " lost: " + e);
                        }
                    });
        } catch (SchemaRegistry.RegistryException | RuntimeException e) {
            count("audit_failed");
            log.println("funnel collector: audit record for " + a.getActionId() + " not written: " + e.getMessage());
        }
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** Outcomes so far by name (done, verified, identity_mismatch, ..., malformed, audit_failed). */
    public Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
