package dev.funnel.job.detect;

import dev.funnel.job.detect.window.TumblingCount;
import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Forks per process per fork_storm window (the "panes"), shared by fork_storm (a pane over its
 * threshold) and sustained_fork_rate (panes summed over its sliding windows), built once for
 * both. A burst record counts for all the forks it aggregates.
 */
public final class ForkPanes {
    private ForkPanes() {}

    public static SingleOutputStreamOperator<WindowStats> of(DetectorInputs in) {
        return in.shared("fork-panes", () -> {
            SingleOutputStreamOperator<WindowStats> panes = TumblingCount.of("forks", in.events(),
                    in.rules().get(ForkStorm.NAME).windowMs(), e -> e.kind == Kind.FORK || e.kind == Kind.FORK_BURST,
                    EventRecord::forProcessAlerts, EventRecord::processKey);
            in.countLate(panes);
            return panes;
        });
    }
}
