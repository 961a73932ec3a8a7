package dev.funnel.job.model;

/** A Kafka record the job could not decode, kept whole, with where it came from and why. */
public class DeadLetter {
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    public byte[] key;
    public byte[] value;
    public String reason;
    public String detail;

    public DeadLetter() {}
}
