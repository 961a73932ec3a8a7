package dev.funnel.job.detect;

import dev.funnel.job.detect.incident.IncidentGrouper;
import dev.funnel.job.detect.window.LateEvents;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.remediate.Action;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import dev.funnel.job.rules.RulesParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The detectors the job runs, and how their output becomes alerts: every enabled detector
 * builds its part of the graph from the shared inputs, and their findings meet in one
 * incident grouper per host that lets one alert per incident (process tree) through.
 */
public final class Detectors {
    /** Every detector, in the order their sections appear in default-rules.yaml. */
    public static final List<Detector> ALL = List.of(new ForkStorm(), new ForkBomb(), new SustainedForkRate(),
            new ShortLivedFlood(), new CrashLoop(), new SlowRequests(), new FdExhaustion(), new FdBurst(),
            new ConnectionBurst(), new HighCpu(), new LostVisibility(), new CollectorGaps());

    /**
     * The job's own section: whether findings are grouped into incidents (one alert each).
     * Off, every finding is its own alert: what one wants only to measure a host's benign
     * peaks with every threshold at its floor (bench/detection.sh --measure).
     */
    public static final String INCIDENTS = "incidents";
    private static final RuleSection INCIDENTS_SECTION = new RuleSection(INCIDENTS, List.of(RuleKey.bool("enabled")));

    private Detectors() {}

    /** The alerts, and the late events of every window and pattern (counted), or null when none windows. */
    public record Result(DataStream<AlertRecord> alerts, DataStream<EventRecord> late) {}

    /** The rules sections the detectors declare. */
    public static List<RuleSection> sections() {
        List<RuleSection> s = new ArrayList<>(ALL.stream().map(Detector::rules).toList());
        s.add(INCIDENTS_SECTION);
        return s;
    }

    /** The built-in rules (default-rules.yaml), checked. */
    public static Rules defaultRules() {
        return validated(RulesParser.defaults(sections()));
    }

    /** The built-in rules overridden by file ("" for none), checked; a RulesException names what is wrong. */
    public static Rules rules(String file) {
        return file.isEmpty() ? defaultRules() : validated(RulesParser.fromFile(Path.of(file), sections()));
    }

    /** Rules parsed from yaml over the defaults (tests, tools), checked. */
    public static Rules parse(String yaml, String source) {
        return validated(RulesParser.parse(yaml, source, RulesParser.defaults(sections()), sections()));
    }

    private static Rules validated(Rules rules) {
        for (Detector d : ALL) {
            try {
                d.validate(rules);
            } catch (RulesException e) {
                throw new RulesException("rules: " + e.getMessage());
            }
        }
        return rules;
    }

    public static Result build(DataStream<EventRecord> events, DataStream<BatchInfo> batches, Rules rules) {
        DetectorInputs in = new DetectorInputs(events, batches, rules);
        List<DataStream<AlertRecord>> candidates = new ArrayList<>();
        List<DataStream<AlertRecord>> ungrouped = new ArrayList<>();
        for (Detector d : ALL) {
            if (rules.enabled(d.name())) {
                (d.grouped() ? candidates : ungrouped).add(d.build(in, rules.get(d.name())));
            }
        }
        if (candidates.isEmpty() && ungrouped.isEmpty()) {
            throw new RulesException("rules: every detector is disabled");
        }
        List<DataStream<AlertRecord>> out = new ArrayList<>(ungrouped);
        if (!candidates.isEmpty() && !rules.enabled(INCIDENTS)) {
            out.addAll(candidates);
        } else if (!candidates.isEmpty()) {
            out.add(union(candidates).keyBy(IncidentGrouper::key, Types.STRING)
                    .process(new IncidentGrouper(holdMs(rules), actions(rules))).name("one alert per incident").uid("incidents"));
        }
        DataStream<AlertRecord> alerts = union(out);
        List<DataStream<EventRecord>> late = in.late();
        DataStream<EventRecord> lateEvents = late.isEmpty() ? null
                : union(late).process(new LateEvents()).name("late events (counted)").uid("late-events");
        return new Result(alerts, lateEvents);
    }

    /** The longest a finding below the top priority is held back, ms. */
    static final long MAX_HOLD_MS = 2_000;

    /**
     * Per family, how long a candidate below the top priority waits past its window for a
     * better one: the longest window of the family's enabled priority-1 detectors (a CEP match
     * ends at its last event, a fork storm's window at the next full second), at most
     * {@link #MAX_HOLD_MS}: one slow detector of a family (crash_loop's 10 s window) must not
     * delay every alert of the family that long. A better finding that comes later still joins
     * the incident; the alert is out by then, headed by the finding that was there.
     */
    static Map<String, Long> holdMs(Rules rules) {
        Map<String, Long> hold = new HashMap<>();
        for (Detector d : ALL) {
            if (d.priority() == 1 && rules.enabled(d.name())) {
                hold.merge(d.family(), Math.min(MAX_HOLD_MS, d.windowMs(rules.get(d.name()))), Math::max);
            }
        }
        return hold;
    }

    /** Each detector's remediation action, by which the incident grouper tells an escalation. */
    public static Map<String, Action> actions(Rules rules) {
        Map<String, Action> actions = new HashMap<>();
        rules.remediation.actions().forEach((detector, rule) -> actions.put(detector, rule.action()));
        return actions;
    }

    @SafeVarargs
    private static <T> DataStream<T> union(List<DataStream<T>> streams, DataStream<T>... none) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(none));
    }
}
