package dev.funnel.collector.sink;

import dev.funnel.collector.enrich.Enriched;
import java.util.List;

/**
 * Where enriched events go. All calls come from the one sink thread, in drain order.
 */
public interface EventSink extends AutoCloseable {
    /** Takes the events; may hold them to batch (a Kafka record holds many). */
    void write(List<Enriched> events);

    /** Called when {@link #nanosUntilDue} said, or sooner: a chance to send what has waited long enough. */
    default void tick() {}

    /**
     * How long until tick() has something to do (a batch's linger ends, a heartbeat is due),
     * in ns; the sink thread sleeps at most this long when no events come. An idle collector
     * then wakes only when it must.
     */
    default long nanosUntilDue() {
        return 100_000_000L;
    }

    /** Events this sink has handed on for good (printed, or acknowledged by Kafka). */
    long delivered();

    /**
     * Shutdown has begun (called from the stopping thread, before the sink thread is joined): a
     * sink that holds on while its destination is away must now give up within a bounded time.
     */
    default void stopping() {}

    /** Sends what is held and releases resources. */
    @Override
    void close();
}
