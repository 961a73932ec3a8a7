package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One alert per incident, keyed by (family, subject).
 *
 * <p>Candidates wait until the watermark passes their window end: by then every detector of
 * the family that fired on the same data has delivered (each emits before forwarding that
 * watermark). They are then taken in window order; among those ending together the highest
 * priority (lowest number) is the alert, unless an incident is already open, and every one of
 * them extends the incident to its window end + cooldown, so a storm that goes on gives one
 * alert, not one per window. When the incident has been quiet for its cooldown, a timer clears
 * all state for the key.
 *
 * <p>State per key: waiting candidates, and the open incident's end (event-time ms).
 * Metrics: alertsOut, suppressed.
 */
public final class AlertDeduplicator extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {
    private static final Comparator<AlertRecord> ORDER = Comparator.<AlertRecord>comparingLong(a -> a.windowEndNs)
            .thenComparingInt(a -> a.priority).thenComparingLong(a -> a.windowStartNs);

    private transient ListState<AlertRecord> waiting;
    private transient ValueState<Long> incidentEndMs;
    private transient Counter alertsOut;
    private transient Counter suppressed;

    public static String key(AlertRecord a) {
        return a.family + "|" + a.subjectKey;
    }

    private static long dueMs(AlertRecord a) {
        return a.windowEndNs / 1_000_000L - 1;
    }

    @Override
    public void open(OpenContext ctx) {
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", Types.POJO(AlertRecord.class)));
        incidentEndMs = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-end", Types.LONG));
        alertsOut = getRuntimeContext().getMetricGroup().counter("alertsOut");
        suppressed = getRuntimeContext().getMetricGroup().counter("suppressed");
    }

    @Override
    public void processElement(AlertRecord c, Context ctx, Collector<AlertRecord> out) throws Exception {
        waiting.add(c);
        ctx.timerService().registerEventTimeTimer(dueMs(c));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        List<AlertRecord> due = new ArrayList<>();
        List<AlertRecord> later = new ArrayList<>();
        for (AlertRecord a : waiting.get()) {
            (dueMs(a) <= timestamp ? due : later).add(a);
        }
        Long end = incidentEndMs.value();
        if (!due.isEmpty()) {
            due.sort(ORDER);
            long groupEnd = Long.MIN_VALUE;
            for (AlertRecord a : due) {
                boolean firstOfGroup = a.windowEndNs != groupEnd;
                groupEnd = a.windowEndNs;
                if (firstOfGroup && (end == null || a.windowStartNs / 1_000_000L >= end)) {
                    out.collect(a);
                    alertsOut.inc();
                } else {
                    suppressed.inc(); // a lower-priority twin, or the same incident still going
                }
                end = Math.max(end == null ? Long.MIN_VALUE : end, a.windowEndNs / 1_000_000L + a.cooldownMs);
            }
            incidentEndMs.update(end);
            ctx.timerService().registerEventTimeTimer(end);
            waiting.update(later);
        }
        if (later.isEmpty() && end != null && timestamp >= end) {
            incidentEndMs.clear(); // quiet for a whole cooldown: the incident is over
            waiting.clear();
        }
    }
}
