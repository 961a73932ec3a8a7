package dev.funnel.job.detect;

import dev.funnel.job.detect.window.LateEvents;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.rules.Rules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * What detectors build on: the flattened events, each collector batch's completeness info, the
 * rules, and operators that several detectors share (built once, by the first that asks); it
 * also collects the late-event output of every window and pattern, so each is counted once.
 *
 * <p>Graph construction only (the job's main thread); nothing here runs in the cluster.
 */
public final class DetectorInputs {
    private final DataStream<EventRecord> events;
    private final DataStream<BatchInfo> batches;
    private final Rules rules;
    private final Map<String, Object> shared = new HashMap<>();
    private final List<DataStream<EventRecord>> late = new ArrayList<>();

    public DetectorInputs(DataStream<EventRecord> events, DataStream<BatchInfo> batches, Rules rules) {
        this.events = events;
        this.batches = batches;
        this.rules = rules;
    }

    public DataStream<EventRecord> events() {
        return events;
    }

    public DataStream<BatchInfo> batches() {
        return batches;
    }

    public Rules rules() {
        return rules;
    }

    /** Counts the late events op sends to LateEvents.TAG (call once per operator). */
    public void countLate(SingleOutputStreamOperator<?> op) {
        late.add(op.getSideOutput(LateEvents.TAG));
    }

    /** Every late-event side output registered so far. */
    List<DataStream<EventRecord>> late() {
        return late;
    }

    /** The operator registered under key, built by build the first time it is asked for. */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> build) {
        return (T) shared.computeIfAbsent(key, k -> build.get());
    }
}
