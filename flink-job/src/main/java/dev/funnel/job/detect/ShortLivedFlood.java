package dev.funnel.job.detect;

import dev.funnel.job.detect.window.LateEvents;
import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * short_lived_flood (CEP): under one parent, short-lived children (younger than `max_lifetime`
 * at exit) exit until their number reaches `children` within `within`. Input is the parent's
 * children's exits: single EXIT records, and kernel bursts of short-lived exits (which count
 * for all they aggregate).
 *
 * <p>Cost: the two conditions are mutually exclusive (still under the target / reaches it),
 * so a partial match never branches; partial matches are bounded by the records one parent
 * sends within `within`, which the kernel's aggregation keeps small. Only this detector's
 * records enter the CEP operator.
 */
public final class ShortLivedFlood implements Detector {
    public static final String NAME = "short_lived_flood";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.count("children"), RuleKey.window("within"),
                RuleKey.window("max_lifetime"), RuleKey.number("benign_peak"));
    }

    @Override
    public String family() {
        return Alerts.SPAWN_FAMILY;
    }

    @Override
    public int priority() {
        return 2;
    }

    @Override
    public long windowMs(Rule rule) {
        return rule.durationMs("within");
    }

    public static Pattern<EventRecord, ?> pattern(Rule r) {
        int children = r.count("children");
        return Pattern.<EventRecord>begin("exits", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Sum(children, false)).oneOrMore().consecutive().optional()
                .next("last").where(new Sum(children, true))
                .within(Duration.ofMillis(r.durationMs("within")));
    }

    /** Whether the children so far plus this record stay under the target (or reach it). */
    static final class Sum extends IterativeCondition<EventRecord> {
        private final int target;
        private final boolean reaches;

        Sum(int target, boolean reaches) {
            this.target = target;
            this.reaches = reaches;
        }

        @Override
        public boolean filter(EventRecord e, Context<EventRecord> ctx) throws Exception {
            long sum = e.count;
            for (EventRecord prior : ctx.getEventsForPattern("exits")) {
                sum += prior.count;
            }
            return reaches == (sum >= target);
        }
    }

    @Override
    public SingleOutputStreamOperator<AlertRecord> build(DetectorInputs in, Rule r) {
        long maxLifetimeNs = r.durationMs("max_lifetime") * 1_000_000L;
        DataStream<EventRecord> exits = in.events()
                .filter(e -> e.kind == Kind.CHILD_SHORT_EXIT_BURST || (e.kind == Kind.EXIT && e.lifetimeNs <= maxLifetimeNs))
                .name("short-lived children's exits").uid("filter-short-exits")
                .map(EventRecord::forParentAlerts).name("exits: context of the parent").uid("project-short-exits");
        SingleOutputStreamOperator<AlertRecord> alerts = CEP.pattern(exits.keyBy(EventRecord::spawnerKey, Types.STRING), pattern(r))
                .inEventTime()
                .sideOutputLateData(LateEvents.TAG)
                .process(new Describe(this, r), Types.POJO(AlertRecord.class))
                .name(NAME).uid(NAME);
        in.countLate(alerts);
        return alerts;
    }

    static final class Describe extends PatternProcessFunction<EventRecord, AlertRecord> {
        private final Detector detector;
        private final Rule rule;

        Describe(Detector detector, Rule rule) {
            this.detector = detector;
            this.rule = rule;
        }

        @Override
        public void processMatch(Map<String, List<EventRecord>> match, Context ctx, Collector<AlertRecord> out) {
            WindowStats s = new WindowStats();
            for (List<EventRecord> part : match.values()) {
                part.forEach(s::add);
            }
            EventRecord last = match.get("last").get(0);
            s.window(last.spawnerKey(), s.firstEventNs / 1_000_000L, last.timeMs() + 1);
            int children = rule.count("children");
            AlertRecord a = Alerts.of(detector, rule, s, true, s.count, children, "children");
            a.summary = Alerts.who(a) + " spawned " + s.count + " short-lived children (each exited within "
                    + Alerts.seconds(rule.durationMs("max_lifetime")) + ") in "
                    + Alerts.seconds(s.windowEndMs - s.windowStartMs) + " (threshold " + children + " within "
                    + Alerts.seconds(rule.durationMs("within")) + ")" + Alerts.context(a);
            a.why = Alerts.overPeak(rule, s.count, children, "short-lived children in "
                    + Alerts.seconds(rule.durationMs("within")), "a parent spawning and losing children this fast");
            out.collect(a);
        }
    }
}
