package dev.funnel.job;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.DecodedBatch;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.source.BatchMapper;
import dev.funnel.schema.EventBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/** Runs the job's pipeline on a MiniCluster over given batches and collects its alerts. */
public final class JobTestKit {
    private JobTestKit() {}

    public static DecodedBatch decoded(EventBatch b) {
        DecodedBatch d = new DecodedBatch();
        d.info = BatchMapper.info(b);
        d.events = BatchMapper.events(b, d.info);
        return d;
    }

    /**
     * The job's bounded out-of-orderness, but with a watermark after every batch: a bounded test
     * source finishes in milliseconds, so periodic watermarks would never fire before the end
     * and every window would close at once. This way event time advances as the data flows.
     */
    public static WatermarkStrategy<DecodedBatch> perBatch(Rules rules) {
        return WatermarkStrategy.<DecodedBatch>forGenerator(ctx -> new WatermarkGenerator<>() {
            private long max = Long.MIN_VALUE + rules.outOfOrdernessMs + 1;

            @Override
            public void onEvent(DecodedBatch b, long ts, WatermarkOutput out) {
                if (b.events != null) {
                    for (var e : b.events) {
                        max = Math.max(max, e.timeMs());
                    }
                }
                out.emitWatermark(new Watermark(max - rules.outOfOrdernessMs - 1));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput out) {}
        }).withTimestampAssigner((b, ts) -> b.earliestMs(ts));
    }

    public static List<AlertRecord> alerts(Rules rules, List<EventBatch> batches) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // a silent Kryo fallback fails the test instead
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        List<DecodedBatch> in = new ArrayList<>();
        batches.forEach(b -> in.add(decoded(b)));
        DataStream<DecodedBatch> src = env.fromData(in).assignTimestampsAndWatermarks(perBatch(rules));
        List<AlertRecord> out = new ArrayList<>();
        try (CloseableIterator<AlertRecord> it = FunnelJob.pipeline(src, rules).alerts().executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
