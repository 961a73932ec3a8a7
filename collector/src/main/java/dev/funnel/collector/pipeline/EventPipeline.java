package dev.funnel.collector.pipeline;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.enrich.EventEnricher;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.sink.EventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drain thread -> bounded backlog -> sink thread. The drain thread enriches each event (at
 * once: context is only there now) and hands each drained batch to the backlog; it never
 * blocks on the sink. When the backlog already holds maxQueuedEvents, the newest events are
 * dropped and counted in the loss ledger, which the sink reports on the data. The source's
 * own loss counters go into the same ledger as they arrive.
 *
 * <p>Threading: {@link #accept}/{@link #batchEnd}/{@link #counters} on the drain thread; the
 * sink only on the "funnel-sink" thread; counters anywhere.
 */
public final class EventPipeline implements KernelSource.Handler, AutoCloseable {
    private final EventEnricher enricher;
    private final EventSink sink;
    private final LossLedger loss;
    private final long maxQueuedEvents;
    private final LinkedBlockingQueue<List<Enriched>> backlog = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong enriched = new AtomicLong();
    private final Thread sinkThread;
    private List<Enriched> current = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Throwable sinkFailure;

    public EventPipeline(EventEnricher enricher, EventSink sink, LossLedger loss, long maxQueuedEvents) {
        this.enricher = enricher;
        this.sink = sink;
        this.loss = loss;
        this.maxQueuedEvents = maxQueuedEvents;
        this.sinkThread = new Thread(this::sinkLoop, "funnel-sink");
        this.sinkThread.setDaemon(true);
        this.sinkThread.start();
    }

    @Override
    public void accept(KernelEvent e) {
        current.add(enricher.enrich(e));
        enriched.incrementAndGet();
    }

    @Override
    public void counters(SourceCounters counters) {
        loss.source(counters);
    }

    @Override
    public void batchEnd() {
        if (current.isEmpty()) {
            return;
        }
        List<Enriched> batch = current;
        current = new ArrayList<>(batch.size());
        long room = maxQueuedEvents - queued.get();
        if (room < batch.size()) {
            int keep = (int) Math.max(0, room);
            loss.queueDropped(batch.size() - keep);
            batch = batch.subList(0, keep);
        }
        if (!batch.isEmpty()) {
            queued.addAndGet(batch.size());
            backlog.add(batch);
        }
    }

    private void sinkLoop() {
        try {
            while (running || !backlog.isEmpty()) {
                long wait = Math.max(1_000_000L, Math.min(sink.nanosUntilDue(), 1_000_000_000L));
                List<Enriched> batch = backlog.poll(wait, TimeUnit.NANOSECONDS);
                if (batch != null) {
                    queued.addAndGet(-batch.size());
                    sink.write(batch);
                }
                sink.tick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            sinkFailure = t;
        }
    }

    public long enriched() {
        return enriched.get();
    }

    /** Events waiting for the sink right now. */
    public long queued() {
        return queued.get();
    }

    public long delivered() {
        return sink.delivered();
    }

    public Throwable sinkFailure() {
        return sinkFailure;
    }

    /** Hands on everything queued, then closes the sink (which sends what it holds). */
    @Override
    public void close() {
        batchEnd();
        running = false;
        sink.stopping(); // a sink holding on for an absent Kafka gives up within 30 s, so the join ends
        try {
            sinkThread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
