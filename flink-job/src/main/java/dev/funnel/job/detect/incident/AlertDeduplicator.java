package dev.funnel.job.detect.incident;

import dev.funnel.job.model.AlertRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * watermark). A candidate below the top priority waits its family's hold longer: its window
 * may end before that of a better one about the same incident (a CEP match ends at its last
 * event, a fork storm's window at the next full second). Due candidates are taken in window order; one
 * that finds no incident open opens one, and the alert is the highest-priority candidate due
 * with it (those starting before its window end + holdMs). Every candidate extends the
 * incident to its window end + cooldown, so a storm that goes on gives one alert, not one
 * per window. When the incident has been quiet for its cooldown, a timer clears all state
 * for the key.
 *
 * <p>State per key: waiting candidates, and the open incident's end (event-time ms).
 * Metrics: alertsOut, suppressed.
 */
public final class AlertDeduplicator extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {
    private static final Comparator<AlertRecord> ORDER = Comparator.<AlertRecord>comparingLong(a -> a.windowEndNs)
            .thenComparingInt(a -> a.priority).thenComparingLong(a -> a.windowStartNs);

    private final Map<String, Long> holdMsByFamily;
    private transient ListState<AlertRecord> waiting;
    private transient ValueState<Long> incidentEndMs;
    private transient Counter alertsOut;
    private transient Counter suppressed;

    /** holdMsByFamily: how much longer than their window a family's candidates below priority 1 wait. */
    public AlertDeduplicator(Map<String, Long> holdMsByFamily) {
        this.holdMsByFamily = new HashMap<>(holdMsByFamily);
    }

    private long holdMs(AlertRecord a) {
        return holdMsByFamily.getOrDefault(a.family, 0L);
    }

    public static String key(AlertRecord a) {
        return a.family + "|" + a.subjectKey;
    }

    private long dueMs(AlertRecord a) {
        return endMs(a) - 1 + (a.priority > 1 ? holdMs(a) : 0);
    }

    private static long startMs(AlertRecord a) {
        return a.windowStartNs / 1_000_000L;
    }

    private static long endMs(AlertRecord a) {
        return a.windowEndNs / 1_000_000L;
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

    /** The highest priority among due[first] and the candidates starting before its end + the hold. */
    private AlertRecord best(List<AlertRecord> due, int first) {
        AlertRecord best = due.get(first);
        long horizon = endMs(best) + holdMs(best);
        for (int j = first + 1; j < due.size(); j++) {
            AlertRecord c = due.get(j);
            if (startMs(c) < horizon && c.priority < best.priority) {
                best = c;
            }
        }
        return best;
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
            Set<AlertRecord> emitted = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < due.size(); i++) {
                AlertRecord a = due.get(i);
                if (end == null || startMs(a) >= end) {
                    AlertRecord best = best(due, i);
                    out.collect(best);
                    emitted.add(best);
                    alertsOut.inc();
                }
                if (!emitted.contains(a)) {
                    suppressed.inc(); // a lower-priority twin, or the same incident still going
                }
                end = Math.max(end == null ? Long.MIN_VALUE : end, endMs(a) + a.cooldownMs);
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
