package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.schema.AlertAttributes;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * collector_gaps: the times a host's collector could not see, raised as lost_visibility alerts
 * with the span, once per gap. Each collector run numbers its batches from 0 with no gaps, and
 * sends a heartbeat at least every 500 ms, so the job can tell:
 * <ul>
 *   <li>a restart: a new run (a crash, a kill -9, a new version): blind from the old run's last
 *       batch to the new run's start, and what the old one still held in memory is lost;
 *   <li>a sequence gap within a run: batches that never arrived;
 *   <li>silence: no batch at all for `silence` of processing time (a collector that died and
 *       stays dead, a host that is down or cut off); an event-time timer could not fire,
 *       because a silent host also stops moving event time.
 * </ul>
 * Keyed by host. State: the host's last run, seq and batch time, and whether a silence was
 * already reported (the restart or resumption that ends it is then the same gap, and raises
 * {@value #RESTORED} with the gap's whole span instead of a second lost_visibility).
 *
 * <p>Silence is the host's, never the job's own. A job restored from a checkpoint (a lost
 * TaskManager, a JobManager failover) finds its silence timers overdue by however long it was
 * down, while the hosts' batches of that time wait in Kafka to be replayed; a restored task may
 * also stall for seconds (its Kafka sink fencing the dead attempt's transactions) with batches
 * queued behind its timers. Measured on the fleet path: a silence alert 29 s after a TaskManager
 * was killed, the collector fine all along. So a timer that fires more than
 * {@link #LATE_TIMER_MS} late judges nothing and looks again a full `silence` later, and a
 * restored instance that has read no batch at all judges no host until {@link #RESTORE_GRACE_MS}
 * after its start.
 */
public final class CollectorGaps implements Detector {
    public static final String NAME = "collector_gaps";
    /** The alert that ends a reported silence, with the whole span. */
    public static final String RESTORED = "visibility_restored";
    /**
     * A restored job whose source has read nothing at all yet waits this long (ms) before it
     * judges any host silent: a Kafka source that rejoins reads within seconds; a longer wait is
     * the job's input being away, and the hosts are reported unseen then.
     */
    public static final long RESTORE_GRACE_MS = 30_000;
    /** A silence timer firing later than this (ms) after its time means this task was stalled. */
    public static final long LATE_TIMER_MS = 1_000;
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.window("silence"));
    }

    @Override
    public String family() {
        return LostVisibility.NAME;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public long windowMs(Rule rule) {
        return 1;
    }

    /** One alert per gap already, and a silent host stops event time: past the grouper. */
    @Override
    public boolean grouped() {
        return false;
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        return in.batches().keyBy(b -> b.host, Types.STRING)
                .process(new Tracker(r.durationMs("silence"), r.cooldownMs()), Types.POJO(AlertRecord.class))
                .name("collector runs, sequences, silence").uid(NAME);
    }

    /** Per host: the last batch seen, and a processing-time timer for silence. */
    public static final class Tracker extends KeyedProcessFunction<String, BatchInfo, AlertRecord> {
        private final long silenceMs;
        private final long cooldownMs;
        private transient ValueState<BatchInfo> last;
        private transient ValueState<Long> silenceTimer;
        private transient ValueState<Boolean> silenceReported;
        /** Processing time (ms) the host's last batch reached this operator. */
        private transient ValueState<Long> lastArrivalMs;
        /** Processing time (ms) of this instance's first callback; -1 before it. Not state: a restore starts it anew. */
        private transient long upSinceMs = -1;
        /** Processing time (ms) of the first batch this instance read, any host's; -1 before it. */
        private transient long firstBatchMs = -1;

        public Tracker(long silenceMs, long cooldownMs) {
            this.silenceMs = silenceMs;
            this.cooldownMs = cooldownMs;
        }

        @Override
        public void open(OpenContext ctx) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-batch", Types.POJO(BatchInfo.class)));
            silenceTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("silence-timer", Types.LONG));
            silenceReported = getRuntimeContext().getState(new ValueStateDescriptor<>("silence-reported", Types.BOOLEAN));
            lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("last-arrival-ms", Types.LONG));
        }

        @Override
        public void processElement(BatchInfo b, Context ctx, Collector<AlertRecord> out) throws Exception {
            upSince(ctx.timerService());
            if (firstBatchMs < 0) {
                firstBatchMs = ctx.timerService().currentProcessingTime();
            }
            BatchInfo prev = last.value();
            boolean reported = Boolean.TRUE.equals(silenceReported.value());
            long now = ctx.timerService().currentProcessingTime();
            Long arrivedMs = lastArrivalMs.value();
            if (reported && prev != null && (b.run > prev.run || (b.run == prev.run && b.seq > prev.seq))) {
                boolean restarted = b.run != prev.run;
                long backNs = restarted && b.run > prev.createdNs ? b.run : b.createdNs;
                long waitedMs = arrivedMs == null ? 0 : now - arrivedMs;
                out.collect(restored(b.host, b.bootId, prev.createdNs, backNs, waitedMs, cooldownMs, restarted
                        ? "the collector came back as a new run (" + prev.run + " -> " + b.run + "); what the old run still held was lost"
                        : "the collector's batches resumed (run " + b.run + ", batch " + b.seq + ")"));
            }
            lastArrivalMs.update(now);
            if (prev != null && b.run != prev.run && b.run > prev.run) {
                if (!reported) {
                    out.collect(gap(b.host, b.bootId, "restart", prev.createdNs, b.run, cooldownMs,
                            "the collector restarted (run " + prev.run + " -> " + b.run + "): nothing seen from "
                                    + "its last batch to the new run's start; what the old run still held was lost"));
                }
                reported = false;
            } else if (prev != null && b.run == prev.run && b.seq > prev.seq + 1) {
                out.collect(gap(b.host, b.bootId, "sequence", prev.createdNs, b.createdNs, cooldownMs,
                        (b.seq - prev.seq - 1) + " batches of run " + b.run + " never arrived"));
            }
            if (prev == null || b.run > prev.run || (b.run == prev.run && b.seq > prev.seq)) {
                last.update(b); // an old run's straggler never moves the state back
            }
            silenceReported.update(false);
            Long timer = silenceTimer.value();
            if (timer != null) {
                ctx.timerService().deleteProcessingTimeTimer(timer);
            }
            long next = now + silenceMs;
            ctx.timerService().registerProcessingTimeTimer(next);
            silenceTimer.update(next);
        }

        private long upSince(TimerService timers) {
            if (upSinceMs < 0) {
                upSinceMs = timers.currentProcessingTime();
            }
            return upSinceMs;
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
            BatchInfo prev = last.value();
            silenceTimer.clear();
            if (prev == null || Boolean.TRUE.equals(silenceReported.value())) {
                return;
            }
            long now = ctx.timerService().currentProcessingTime();
            // Restored and not reading yet, or this timer ran late (this task itself was stalled, and
            // the batches of that time may be queued right behind it): see the class comment.
            long judgeFrom = firstBatchMs >= 0 ? 0 : upSince(ctx.timerService()) + RESTORE_GRACE_MS + silenceMs;
            if (now - timestamp > LATE_TIMER_MS) {
                judgeFrom = Math.max(judgeFrom, now + silenceMs);
            }
            if (now < judgeFrom) {
                ctx.timerService().registerProcessingTimeTimer(judgeFrom);
                silenceTimer.update(judgeFrom);
                return;
            }
            silenceReported.update(true);
            long nowNs = timestamp * 1_000_000L;
            out.collect(gap(prev.host, prev.bootId, "silence", prev.createdNs, nowNs, cooldownMs,
                    "no batch, not even a heartbeat, for " + Alerts.seconds(silenceMs)
                            + " so far: the collector is down or cut off, and this host is unwatched until it is back"
                            + " (" + RESTORED + " then gives the whole span)"));
        }
    }

    /**
     * The end of a reported silence: the host is seen again, and this alert carries the gap's
     * whole span (the silence alert could only give the span so far). One per silence, like a
     * resolved notification; its own detector name, so that "lost_visibility" stays once per gap.
     */
    static AlertRecord restored(String host, String bootId, long fromNs, long toNs, long waitedMs, long cooldownMs,
            String what) {
        AlertRecord a = gap(host, bootId, "silence", fromNs, toNs, cooldownMs, what);
        a.detector = RESTORED;
        a.alertId = RESTORED + "/" + host + "/" + fromNs;
        a.subjectKey = host + "/restored/" + fromNs;
        a.attributes.put("waited_ms", Long.toString(waitedMs));
        // Two spans: how long the job waited for the host (its batches, or the broker, were away),
        // and how much of the host's own time its batches do not cover. A collector that held its
        // batches through a broker outage leaves the second near zero: nothing of the host is lost.
        a.summary = "host " + host + " seen again: no batch reached the job for " + Alerts.num(waitedMs / 1e3)
                + " s, and its batches leave " + Alerts.num(a.observed) + " s of the host's time unseen: " + what;
        a.why = a.observed < 1 ? "the host's batches were held, not lost: its alerts of that time were raised late, not missed"
                : "nothing this host did in that span reached the job: check what ran on it then by other means";
        return a;
    }

    /** A lost_visibility alert for one gap of one host, [fromNs, toNs] (wall-clock ns). */
    static AlertRecord gap(String host, String bootId, String cause, long fromNs, long toNs, long cooldownMs,
            String what) {
        AlertRecord a = new AlertRecord();
        a.detector = LostVisibility.NAME;
        a.family = LostVisibility.NAME;
        a.priority = 1;
        a.host = host;
        a.bootId = bootId;
        a.subjectKey = host + "/gap/" + fromNs;
        a.cooldownMs = cooldownMs;
        a.windowStartNs = fromNs;
        a.windowEndNs = Math.max(toNs, fromNs + 1_000_000L);
        a.firstEventNs = fromNs;
        double seconds = (toNs - fromNs) / 1e9;
        a.observed = Math.max(0, seconds);
        a.unit = "s unseen";
        a.alertId = LostVisibility.NAME + "/" + host + "/" + cause + "/" + fromNs;
        a.attributes.put(AlertAttributes.CAUSE, cause);
        a.attributes.put("unseen_from_ns", Long.toString(fromNs));
        a.attributes.put("unseen_to_ns", Long.toString(toNs));
        a.summary = "host " + host + " unseen for " + Alerts.num(seconds) + " s: " + what;
        a.why = "nothing this host did in that time reached the job: an incident then would raise no alert";
        return a;
    }
}
