package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.Rules;
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
 * Short-lived job flood (CEP): under one parent, short-lived children exit until their number
 * reaches `children` within `within`. Input is the parent's children's exits: single EXIT
 * records of children younger than max_lifetime, and kernel bursts of short-lived exits (which
 * count for all they aggregate).
 *
 * <p>Cost: the two conditions are mutually exclusive (still under the target / reaches it),
 * so a partial match never branches; partial matches are bounded by the records one parent
 * sends within `within`, which the kernel's aggregation keeps small. Only this detector's
 * records enter the CEP operator.
 */
public final class FloodDetector {
    private FloodDetector() {}

    public static Pattern<EventRecord, ?> pattern(Rule r) {
        return Pattern.<EventRecord>begin("exits", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Sum(r.count, false)).oneOrMore().consecutive().optional()
                .next("last").where(new Sum(r.count, true))
                .within(Duration.ofMillis(r.windowMs));
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

    public static SingleOutputStreamOperator<AlertRecord> build(DataStream<EventRecord> events, Rules rules) {
        Rule r = rules.get(Rules.SHORT_LIVED_FLOOD);
        long maxLifetimeNs = r.maxLifetimeMs * 1_000_000L;
        DataStream<EventRecord> exits = events
                .filter(e -> e.kind == Kind.CHILD_SHORT_EXIT_BURST || (e.kind == Kind.EXIT && e.lifetimeNs <= maxLifetimeNs))
                .name("short-lived children's exits").uid("filter-short-exits")
                .map(EventRecord::forParentAlerts).name("exits: context of the parent").uid("project-short-exits");
        return CEP.pattern(exits.keyBy(EventRecord::spawnerKey, Types.STRING), pattern(r))
                .inEventTime()
                .sideOutputLateData(Detectors.LATE)
                .process(new Describe(r), Types.POJO(AlertRecord.class))
                .name(Rules.SHORT_LIVED_FLOOD).uid(Rules.SHORT_LIVED_FLOOD);
    }

    static final class Describe extends PatternProcessFunction<EventRecord, AlertRecord> {
        private final Rule rule;

        Describe(Rule rule) {
            this.rule = rule;
        }

        @Override
        public void processMatch(Map<String, List<EventRecord>> match, Context ctx, Collector<AlertRecord> out) {
            WindowStats s = new WindowStats();
            for (List<EventRecord> part : match.values()) {
                part.forEach(s::add);
            }
            EventRecord last = match.get("last").get(0);
            s.key = last.spawnerKey();
            s.windowStartMs = s.firstEventNs / 1_000_000L;
            s.windowEndMs = last.timeMs() + 1;
            AlertRecord a = Alerts.of(Rules.SHORT_LIVED_FLOOD, Alerts.SPAWN_FAMILY, 2, rule, s, true, s.count,
                    "children");
            a.threshold = rule.count;
            a.summary = Alerts.who(a) + " spawned " + s.count + " short-lived children (each exited within "
                    + Alerts.seconds(rule.maxLifetimeMs) + ") in " + Alerts.seconds(s.windowEndMs - s.windowStartMs)
                    + " (threshold " + rule.count + " within " + Alerts.seconds(rule.windowMs) + ")"
                    + Alerts.context(a);
            out.collect(a);
        }
    }
}
