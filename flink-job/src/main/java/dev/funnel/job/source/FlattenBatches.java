package dev.funnel.job.source;

import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.DeadLetter;
import dev.funnel.job.model.DecodedBatch;
import dev.funnel.job.model.EventRecord;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Turns each decoded batch into its events, each carrying its own event time as the record
 * timestamp (a ProcessFunction can only repeat the batch's). Batch completeness info and dead
 * letters leave through side outputs. Watermarks from the source pass through untouched.
 *
 * <p>Metrics (Web UI): eventsIn, batchesIn, deadLettered.
 */
public final class FlattenBatches extends AbstractStreamOperator<EventRecord>
        implements OneInputStreamOperator<DecodedBatch, EventRecord> {
    public static final OutputTag<BatchInfo> BATCHES = new OutputTag<>("batches") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter eventsIn;
    private transient Counter batchesIn;
    private transient Counter deadLettered;
    private transient StreamRecord<EventRecord> reuse;

    @Override
    public void open() throws Exception {
        super.open();
        eventsIn = getMetricGroup().counter("eventsIn");
        batchesIn = getMetricGroup().counter("batchesIn");
        deadLettered = getMetricGroup().counter("deadLettered");
        reuse = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<DecodedBatch> element) {
        DecodedBatch b = element.getValue();
        if (b.deadLetter != null) {
            deadLettered.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(b.deadLetter, element.getTimestamp()));
            return;
        }
        batchesIn.inc();
        output.collect(BATCHES, new StreamRecord<>(b.info, b.info.createdNs / 1_000_000L));
        for (EventRecord e : b.events) {
            output.collect(reuse.replace(e, e.timeMs()));
        }
        eventsIn.inc(b.events.length);
    }
}
