package dev.funnel.job;

import dev.funnel.job.rules.RulesParser;
import dev.funnel.schema.wire.Topics;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line options of the job ({@code flink run funnel-flink-job.jar --bootstrap-servers ...}),
 * parsed by picocli like every Funnel command. An unknown option, a missing value or a bad one
 * is a {@link CommandLine.ParameterException} that names it. Also usable as a picocli mixin
 * ({@code funnel job} adds its own --web-port).
 */
@Command(name = "flink run funnel-flink-job.jar",
        description = "The detection job: funnel.events in, one alert per incident out on funnel.alerts.")
public final class JobOptions {
    /** Where the Kafka source starts when it has no checkpoint to restore from. */
    public enum StartingOffsets { committed, earliest, latest }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    public boolean help;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka brokers.")
    public String bootstrapServers;

    @Option(names = "--schema-registry", required = true, paramLabel = "URL",
            description = "Confluent-API schema registry, e.g. http://registry:8080/apis/ccompat/v7.")
    public String schemaRegistry;

    @Option(names = "--rules", paramLabel = "FILE", defaultValue = "",
            description = "Rules YAML over the built-in defaults (default: the defaults).")
    public String rules;

    @Option(names = "--events-topic", defaultValue = Topics.EVENTS, description = "Default: ${DEFAULT-VALUE}.")
    public String eventsTopic;

    @Option(names = "--alerts-topic", defaultValue = Topics.ALERTS, description = "Default: ${DEFAULT-VALUE}.")
    public String alertsTopic;

    @Option(names = "--actions-topic", defaultValue = Topics.ACTIONS, description = "Remediation decisions. Default: ${DEFAULT-VALUE}.")
    public String actionsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTER, description = "Default: ${DEFAULT-VALUE}.")
    public String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "funnel-job", description = "Kafka consumer group. Default: ${DEFAULT-VALUE}.")
    public String groupId;

    @Option(names = "--starting-offsets", defaultValue = "committed", paramLabel = "committed|earliest|latest",
            description = "Without a checkpoint: the group's committed offsets (else earliest), earliest or latest.")
    public StartingOffsets startingOffsets;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", paramLabel = "DURATION",
            description = "Alerts are committed once per checkpoint. Default: ${DEFAULT-VALUE}.")
    public String checkpointInterval;

    @Option(names = "--checkpoint-dir", defaultValue = "", paramLabel = "URI",
            description = "Checkpoint storage (default: the cluster's execution.checkpointing.dir, else a temp dir).")
    public String checkpointDir;

    @Option(names = "--transactional-id-prefix", defaultValue = "funnel-job",
            description = "Kafka transactional ids of the exactly-once sinks. Default: ${DEFAULT-VALUE}.")
    public String transactionalIdPrefix;

    @Option(names = "--parallelism", paramLabel = "N", description = "Default: the cluster's.")
    public Integer parallelism;

    @Option(names = "--job-name", defaultValue = "funnel detection", description = "Default: ${DEFAULT-VALUE}.")
    public String jobName;

    @Option(names = "--bounded", arity = "1", defaultValue = "false", paramLabel = "true|false",
            description = "Stop at the topic's end offsets (tests, benchmarks).")
    public boolean bounded;

    /** The options in args; throws ParameterException naming what is wrong. */
    public static JobOptions parse(String... args) {
        JobOptions o = new JobOptions();
        new CommandLine(o).parseArgs(args);
        o.validate();
        return o;
    }

    /** The same from option names (without "--") and values: how tests and the demo build them. */
    public static JobOptions of(Map<String, String> options) {
        return parse(options.entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of("--" + e.getKey(), e.getValue())).toArray(String[]::new));
    }

    /** Checks what picocli's types cannot: the interval is a duration, the parallelism positive. */
    void validate() {
        checkpointIntervalMs();
        if (parallelism != null && parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, not " + parallelism);
        }
    }

    public long checkpointIntervalMs() {
        return RulesParser.durationMs(checkpointInterval, "--checkpoint-interval");
    }

    /** Every option name the job accepts (deployment files are checked against it). */
    public static List<String> names() {
        return new CommandLine(new JobOptions()).getCommandSpec().options().stream()
                .flatMap(o -> java.util.Arrays.stream(o.names())).toList();
    }
}
