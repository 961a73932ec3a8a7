package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/** What a detector adds to the job: its candidate alerts, and its window's late events. */
public record Detected(DataStream<AlertRecord> alerts, DataStream<EventRecord> late) {}
