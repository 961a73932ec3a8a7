package dev.funnel.collector.enrich;

import dev.funnel.schema.Event;
import dev.funnel.schema.ProcessContext;

/**
 * An event as the collector holds it between the drain and the sink: the Avro event (its
 * context index is set only when a batch is encoded) and its process's context.
 *
 * <p>Ownership: process is shared by every event of that process (see {@link ContextCache})
 * and crosses from the drain thread to the sink thread: nobody may modify it.
 */
public record Enriched(Event event, ProcessContext process) {}
