package dev.funnel.collector.sink;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.Loss;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events to Kafka as EventBatch records in the Confluent wire format, keyed by host so one
 * host's batches stay in order on one partition. A batch closes at kafka.batch.max.events,
 * at about kafka.batch.max.bytes (estimated, uncompressed), or after kafka.linger.ms; it
 * carries the run's next sequence number and the loss since the previous batch, so the job
 * can tell complete windows from lossy ones. A host with nothing to say sends an empty batch
 * every kafka.heartbeat.ms: the job's event-time clock for this host (its watermark) would
 * otherwise stop, and the last window before a quiet spell never closes. The run's first batch
 * is such an empty one, sent before any program is attached ({@link #announce}).
 *
 * <p>Backpressure: while Kafka cannot take a batch (down, or its buffer full), write() waits
 * and retries, so the pipeline's bounded backlog fills and drops (counted) upstream, and the
 * drain never stops. A batch Kafka finally refuses (delivery timeout) is counted as lost.
 *
 * <p>Threading: the sink thread calls everything; producer callbacks only touch counters.
 */
public final class KafkaEventSink implements EventSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final EventBatchEncoder encoder;
    private final LossLedger loss;
    private final HostInfo host;
    private final byte[] key;
    private final String topic;
    private final int maxEvents;
    private final long lingerNs;
    private final long heartbeatNs;
    private long lastSentNs = System.nanoTime();
    private final long run = System.currentTimeMillis() * 1_000_000L;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong batchesAcked = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();
    private volatile long blockedMs;
    private final long maxBytes;
    private final PendingBatch current = new PendingBatch();
    private long seq;
    private LossLedger.Snapshot reported = LossLedger.ZERO;
    /** While running, the sink holds on for as long as Kafka is away; from stopping() on, until this (nanoTime). */
    private volatile long giveUpAtNs = Long.MAX_VALUE;
    /** How long a stopping collector still waits for Kafka before it counts what it holds as lost. */
    static final long CLOSE_WAIT_NS = 30_000_000_000L;
    /** How long a starting collector waits for Kafka to acknowledge its run's first batch. */
    static final long ANNOUNCE_WAIT_MS = 10_000;
    /** The last delivery failure's class: a new kind is said once on stderr. Guarded by this. */
    private Class<?> lastFailure;

    /** Registers the EventBatch schema (BACKWARD compatible) and opens the producer. */
    public KafkaEventSink(KafkaSinkSettings settings, HostInfo host, LossLedger loss)
            throws SchemaRegistry.RegistryException {
        this.host = host;
        this.loss = loss;
        this.topic = settings.topic();
        this.key = host.hostName().getBytes(StandardCharsets.UTF_8);
        this.maxEvents = settings.maxEvents();
        this.maxBytes = settings.maxBytes();
        this.lingerNs = settings.lingerNs();
        this.heartbeatNs = settings.heartbeatNs();
        SchemaRegistry registry = new SchemaRegistry(settings.registryUrl());
        String subject = Topics.valueSubject(topic);
        int id = registry.register(subject, EventBatch.getClassSchema());
        registry.setCompatibility(subject, "BACKWARD");
        this.encoder = new EventBatchEncoder(id);
        this.producer = new KafkaProducer<>(producerConfig(settings), new ByteArraySerializer(), new ByteArraySerializer());
        announce();
    }

    /**
     * Sends the run's first batch, empty, and waits up to ANNOUNCE_WAIT_MS for Kafka to
     * acknowledge it; the constructor returns only then, so before any program is attached.
     * From then on the job knows this run: a collector killed before its first events reached
     * Kafka (the faults bench killed one 2 s into a storm on a busy machine, its first batches
     * still unsent) leaves a silence the job reports as lost_visibility, not a run nobody heard
     * of. With Kafka away it says so and goes on: a batch handed to the producer is delivered
     * when Kafka is back, and one never handed over takes no sequence number (no false gap).
     */
    private void announce() {
        long end = System.nanoTime() + ANNOUNCE_WAIT_MS * 1_000_000L;
        lastSentNs = System.nanoTime();
        LossLedger.Snapshot now = loss.snapshot();
        HandOver h = handOver(new ProducerRecord<>(topic, key, encoder.encode(header(now), current)), 0,
                () -> Math.min(end, giveUpAtNs));
        try {
            if (!h.handedOver()) {
                throw new ExecutionException(h.refused() != null ? h.refused() : new TimeoutException("not reachable"));
            }
            seq++; // handed over: Kafka has it, or will
            reported = now;
            h.future().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            System.err.println("funnel collector: Kafka did not acknowledge this run's first batch within "
                    + ANNOUNCE_WAIT_MS / 1000 + " s (" + (e.getCause() != null ? e.getCause() : e.getMessage())
                    + "); attaching anyway, batches wait for Kafka");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Object> producerConfig(KafkaSinkSettings s) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "funnel-collector");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true); // retries never duplicate or reorder
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5); // our batches are already large
        int buffer = s.bufferBytes();
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Math.min(256 * 1024, buffer / 4)); // a batch must fit the buffer
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, (long) buffer);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, s.deliveryTimeoutMs());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, s.deliveryTimeoutMs() - 5));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000); // send() waits at most 1 s, then we retry
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        return p;
    }

    @Override
    public void write(List<Enriched> events) {
        for (Enriched e : events) {
            if (current.add(e) >= maxBytes || current.size() >= maxEvents) {
                closeBatch();
            }
        }
    }

    @Override
    public void tick() {
        if (nanosUntilDue() <= 0) {
            sendBatch(); // the batch its linger ended, or an empty one: a heartbeat
        }
    }

    @Override
    public long nanosUntilDue() {
        long now = System.nanoTime();
        return current.isEmpty() ? lastSentNs + heartbeatNs - now : current.sinceNs() + lingerNs - now;
    }

    private void closeBatch() {
        if (!current.isEmpty()) {
            sendBatch();
        }
    }

    private void sendBatch() {
        lastSentNs = System.nanoTime();
        LossLedger.Snapshot now = loss.snapshot();
        EventBatchEncoder.Header header = header(now);
        seq++;
        reported = now;
        int events = current.size();
        byte[] value = encoder.encode(header, current);
        current.clear();
        send(new ProducerRecord<>(topic, key, value), events);
    }

    /** The next batch's header: this run's next sequence number, the loss since the last batch sent. */
    private EventBatchEncoder.Header header(LossLedger.Snapshot now) {
        LossLedger.Snapshot d = now.minus(reported);
        return new EventBatchEncoder.Header(host.hostName(), host.bootId(), run, seq,
                System.currentTimeMillis() * 1_000_000L, new Loss(d.kernelDropped() + d.decodeLost(), d.kernelUntracked(),
                        d.queueDropped(), d.kafkaFailed(), now.total()));
    }

    /** What became of one record: handed to the producer (its future), or not: refused, or Kafka still away. */
    private record HandOver(Future<?> future, Exception refused) {
        boolean handedOver() {
            return future != null;
        }
    }

    /**
     * Hands one record to the producer, holding on (and so holding the backlog upstream) while
     * Kafka is away, until the deadline (nanoTime, read again on every try: stopping() moves it).
     * The producer reports "away" (no metadata for the topic, no buffer space within
     * max.block.ms) by completing the callback at once, on this thread, with a
     * TimeoutException, not by throwing: that record was never sent, so it is tried again, not
     * counted as lost. A record refused outright (e.g. over the broker's size limit) is not tried
     * again; the caller decides what either means. A failure on the producer's I/O thread
     * (retries ran out after delivery.timeout.ms) is a real loss: counted, and said once per kind.
     */
    private HandOver handOver(ProducerRecord<byte[], byte[]> record, int events, LongSupplier deadlineNs) {
        Thread caller = Thread.currentThread();
        while (true) {
            boolean[] away = {false};
            Future<?> f;
            try {
                f = producer.send(record, (md, err) -> {
                    if (err == null) {
                        delivered.addAndGet(events);
                        batchesAcked.incrementAndGet();
                    } else if (err instanceof TimeoutException && Thread.currentThread() == caller) {
                        away[0] = true;
                    } else {
                        failed(events, err);
                    }
                });
            } catch (TimeoutException e) {
                away[0] = true; // older clients throw it
                f = null;
            } catch (KafkaException | IllegalArgumentException e) {
                return new HandOver(null, e);
            }
            if (!away[0]) {
                return new HandOver(f, null);
            }
            blockedMs += 1000;
            if (System.nanoTime() > deadlineNs.getAsLong()) {
                return new HandOver(null, null);
            }
        }
    }

    /** A batch: while running, held until Kafka takes it; lost (counted) if refused, or still away 30 s into shutdown. */
    private void send(ProducerRecord<byte[], byte[]> record, int events) {
        HandOver h = handOver(record, events, () -> giveUpAtNs);
        if (!h.handedOver()) {
            failed(events, h.refused() != null ? h.refused() : new TimeoutException("Kafka still away 30 s into shutdown"));
        }
    }

    /** A batch Kafka did not take: counted as lost; each new kind of failure said once on stderr. */
    private void failed(int events, Exception err) {
        loss.kafkaFailed(events);
        batchesFailed.incrementAndGet();
        synchronized (this) { // the sink thread or the producer's I/O thread
            if (!err.getClass().equals(lastFailure)) {
                lastFailure = err.getClass();
                System.err.println("funnel collector: Kafka did not take a batch of " + events
                        + " events (counted as lost; the job raises lost_visibility): " + err);
            }
        }
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    public long batchesAcked() {
        return batchesAcked.get();
    }

    public long batchesFailed() {
        return batchesFailed.get();
    }

    /** Time send() spent waiting for Kafka, ms. */
    public long blockedMs() {
        return blockedMs;
    }

    public long sequence() {
        return seq;
    }

    /** Shutdown has begun (any thread): from now on, Kafka is waited for at most 30 s more. */
    @Override
    public void stopping() {
        if (giveUpAtNs == Long.MAX_VALUE) {
            giveUpAtNs = System.nanoTime() + CLOSE_WAIT_NS;
        }
    }

    /** Sends what is held; waits for Kafka until 30 s after stopping(), then counts what is still unsent as lost. */
    @Override
    public void close() {
        stopping();
        closeBatch();
        producer.close(Duration.ofNanos(Math.max(0, giveUpAtNs - System.nanoTime())));
    }
}
