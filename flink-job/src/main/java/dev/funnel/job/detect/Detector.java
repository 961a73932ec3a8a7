package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * One detector: its section of rules.yaml and its part of the job graph. The job builds every
 * enabled detector from {@link Detectors#ALL}; candidate alerts from all of them go to the
 * incident deduplicator. A new detector is one class implementing this, its section in
 * default-rules.yaml (with where each number came from), a line in Detectors.ALL, and its tests.
 */
public interface Detector extends Serializable {
    /** Its rules section: the name (also its alerts' detector field) and the keys it takes. */
    RuleSection rules();

    default String name() {
        return rules().name();
    }

    /** Detectors of one family describe the same kind of incident; within it a lower priority wins. */
    String family();

    int priority();

    /** The longest a candidate of this detector can end after the events behind it (its window). */
    default long windowMs(Rule rule) {
        return rule.windowMs();
    }

    /**
     * Whether its findings go through the incident grouper (the default). A detector whose
     * findings are incidents on their own, and must go out even while event time stands still
     * (collector_gaps: a silent host stops event time), says false.
     */
    default boolean grouped() {
        return true;
    }

    /** Checks what one section cannot check alone (e.g. its window against another's). */
    default void validate(Rules rules) throws RulesException {}

    /**
     * Its operators over the inputs, with its own rule; returns its candidate alerts. Windows
     * and patterns send late events to LateEvents.TAG and register themselves with
     * {@link DetectorInputs#countLate}.
     */
    DataStream<AlertRecord> build(DetectorInputs in, Rule rule);
}
