package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.Rules;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Slow requests, fd-open bursts and connection bursts: tumbling windows over kernel records. */
public final class BurstDetectors {
    private BurstDetectors() {}

    /** Count and worst latency of the slow requests a process answered per window. */
    public static Detected slowRequests(DataStream<EventRecord> events, Rules rules) {
        Rule r = rules.get(Rules.SLOW_REQUESTS);
        long thresholdNs = (long) r.threshold * 1_000_000L;
        return TumblingDetector.build(Rules.SLOW_REQUESTS, events, r,
                e -> e.kind == Kind.SLOW_REQUEST && e.durationNs >= thresholdNs, EventRecord::processKey,
                s -> s.count >= r.count,
                s -> {
                    AlertRecord a = Alerts.of(Rules.SLOW_REQUESTS, Rules.SLOW_REQUESTS, 1, r, s, false, s.count,
                            "requests");
                    long worstMs = s.maxDurationNs / 1_000_000L;
                    a.threshold = r.count; // what fired is the count; the latency bar is an attribute
                    a.attributes.put("latency_threshold_ms", Long.toString((long) r.threshold));
                    a.attributes.put("worst_latency_ms", Long.toString(worstMs));
                    a.attributes.put("local_port", Integer.toString(s.sample.destinationPort));
                    a.summary = Alerts.who(a) + " answered " + s.count + " requests slower than "
                            + Alerts.seconds((long) r.threshold) + " in " + Alerts.seconds(r.windowMs) + ", worst "
                            + worstMs + " ms, on port " + s.sample.destinationPort + Alerts.context(a);
                    return a;
                });
    }

    public static Detected fdBurst(DataStream<EventRecord> events, Rules rules) {
        Rule r = rules.get(Rules.FD_BURST);
        return TumblingDetector.build(Rules.FD_BURST, events, r, e -> e.kind == Kind.FD_OPEN_BURST,
                EventRecord::processKey, s -> s.count > r.threshold,
                s -> {
                    AlertRecord a = Alerts.of(Rules.FD_BURST, Rules.FD_BURST, 1, r, s, false, s.count, "opens");
                    a.summary = Alerts.who(a) + " opened " + s.count + " files in " + Alerts.seconds(r.windowMs)
                            + " (threshold " + Alerts.num(r.threshold) + ")" + Alerts.context(a);
                    return a;
                });
    }

    public static Detected connectionBurst(DataStream<EventRecord> events, Rules rules) {
        Rule r = rules.get(Rules.CONNECTION_BURST);
        return TumblingDetector.build(Rules.CONNECTION_BURST, events, r, e -> e.kind == Kind.CONNECT_BURST,
                e -> e.processKey() + "->" + e.destination, s -> s.count > r.threshold,
                s -> {
                    AlertRecord a = Alerts.of(Rules.CONNECTION_BURST, Rules.CONNECTION_BURST, 1, r, s, false,
                            s.count, "connects");
                    a.attributes.put("destination", s.sample.destination);
                    a.attributes.put("destination_port", Integer.toString(s.sample.destinationPort));
                    a.summary = Alerts.who(a) + " made " + s.count + " TCP connects to " + s.sample.destination
                            + " (last port " + s.sample.destinationPort + ") in " + Alerts.seconds(r.windowMs)
                            + " (threshold " + Alerts.num(r.threshold) + ")" + Alerts.context(a);
                    return a;
                });
    }
}
