package dev.funnel.collector.sink;

import dev.funnel.schema.Event;
import java.util.List;

/**
 * Where enriched events go. All calls come from the one sink thread, in drain order.
 */
public interface EventSink extends AutoCloseable {
    /** Takes the events; may hold them to batch (a Kafka record holds many). */
    void write(List<Event> events);

    /** Called at least every 100 ms: a chance to send what has waited long enough. */
    default void tick() {}

    /** Events this sink has handed on for good (printed, or acknowledged by Kafka). */
    long delivered();

    /** Sends what is held and releases resources. */
    @Override
    void close();
}
