package dev.funnel.job.model;

/** One collector batch's completeness: sequence within the run and the loss it reports. */
public class BatchInfo {
    public String host;
    public String bootId;
    public long run;
    public long seq;
    public long createdNs;
    public long events;
    public long lostTotal;
    public long kernelDropped;
    public long kernelUntracked;
    public long queueDropped;
    public long kafkaFailed;

    public BatchInfo() {}
}
