package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.job.detect.window.StampWindow;
import dev.funnel.job.detect.window.Windowed;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * lost_visibility: a window in which a host's collector reported more than `threshold` lost
 * events raises its own alert: detections there may be incomplete. Missing sequence numbers
 * (batches that never arrived) count too. Keyed by host.
 */
public final class LostVisibility implements Detector {
    public static final String NAME = "lost_visibility";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("threshold"), RuleKey.window("window"));
    }

    @Override
    public String family() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1;
    }

    /** Per host and window: lost events by stage, batches seen, lowest and highest seq. */
    public static class LossStats implements Windowed {
        public String host;
        public String bootId;
        public long windowStartMs;
        public long windowEndMs;
        public long kernel;
        public long backlog;
        public long kafka;
        public long batches;
        public long run;
        public long minSeq = Long.MAX_VALUE;
        public long maxSeq = -1;
        public long firstNs = Long.MAX_VALUE;

        public LossStats() {}

        @Override
        public void window(String key, long startMs, long endMs) {
            windowStartMs = startMs;
            windowEndMs = endMs;
        }

        public long lost() {
            return kernel + backlog + kafka;
        }

        public long missingBatches() {
            return maxSeq < 0 ? 0 : Math.max(0, maxSeq - minSeq + 1 - batches);
        }
    }

    static final class Sum implements AggregateFunction<BatchInfo, LossStats, LossStats> {
        @Override
        public LossStats createAccumulator() {
            return new LossStats();
        }

        @Override
        public LossStats add(BatchInfo b, LossStats s) {
            s.host = b.host;
            s.bootId = b.bootId;
            s.kernel += b.kernelDropped + b.kernelUntracked;
            s.backlog += b.queueDropped;
            s.kafka += b.kafkaFailed;
            if (s.batches == 0 || b.run == s.run) { // seq gaps only mean something within one run
                s.run = b.run;
                s.minSeq = Math.min(s.minSeq, b.seq);
                s.maxSeq = Math.max(s.maxSeq, b.seq);
            }
            s.batches++;
            s.firstNs = Math.min(s.firstNs, b.createdNs);
            return s;
        }

        @Override
        public LossStats getResult(LossStats s) {
            return s;
        }

        @Override
        public LossStats merge(LossStats a, LossStats b) {
            throw new UnsupportedOperationException("tumbling windows do not merge");
        }
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double threshold = r.threshold();
        return in.batches().keyBy(b -> b.host, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(r.windowMs())))
                .aggregate(new Sum(), new StampWindow<LossStats>()).name("loss per host per window").uid("loss-window")
                .filter(s -> s.lost() > threshold || s.missingBatches() > 0).name("lossy windows").uid("loss-filter")
                .map(s -> alert(s, r)).returns(AlertRecord.class).name(NAME).uid(NAME);
    }

    AlertRecord alert(LossStats s, Rule r) {
        AlertRecord a = new AlertRecord();
        a.detector = NAME;
        a.family = family();
        a.priority = priority();
        a.subjectKey = s.host;
        a.cooldownMs = r.cooldownMs();
        a.host = s.host;
        a.bootId = s.bootId;
        a.observed = s.lost();
        a.threshold = r.threshold();
        a.unit = "events";
        a.windowStartNs = s.windowStartMs * 1_000_000L;
        a.windowEndNs = s.windowEndMs * 1_000_000L;
        a.lostEventsInWindow = s.lost();
        a.firstEventNs = s.firstNs;
        a.alertId = NAME + "/" + s.host + "/" + s.windowStartMs;
        a.attributes.put("kernel_lost", Long.toString(s.kernel));
        a.attributes.put("backlog_lost", Long.toString(s.backlog));
        a.attributes.put("kafka_lost", Long.toString(s.kafka));
        a.attributes.put("missing_batches", Long.toString(s.missingBatches()));
        a.summary = "host " + s.host + " lost " + s.lost() + " events in " + Alerts.seconds(r.windowMs())
                + " (kernel ring " + s.kernel + ", collector backlog " + s.backlog + ", Kafka " + s.kafka
                + (s.missingBatches() > 0 ? ", " + s.missingBatches() + " batches missing" : "")
                + "): detections on this host may be incomplete";
        a.why = "the collector did not see everything on this host in this window: an incident here may have been missed";
        return a;
    }
}
