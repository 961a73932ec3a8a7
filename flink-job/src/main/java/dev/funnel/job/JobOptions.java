package dev.funnel.job;

import dev.funnel.schema.wire.Topics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options of the job ({@code flink run funnel-flink-job.jar --bootstrap-servers ...}).
 * An unknown option or a missing value is an error that names it.
 */
public final class JobOptions {
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("bootstrap-servers", null);            // required
        DEFAULTS.put("schema-registry", null);              // required
        DEFAULTS.put("rules", "");                          // empty: built-in defaults
        DEFAULTS.put("events-topic", Topics.EVENTS);
        DEFAULTS.put("alerts-topic", Topics.ALERTS);
        DEFAULTS.put("dead-letter-topic", Topics.DEAD_LETTER);
        DEFAULTS.put("group-id", "funnel-job");
        DEFAULTS.put("starting-offsets", "committed");     // committed (else earliest), earliest, latest
        DEFAULTS.put("checkpoint-interval", "10s");
        DEFAULTS.put("checkpoint-dir", "");                // empty: execution.checkpointing.dir, else a temp dir
        DEFAULTS.put("transactional-id-prefix", "funnel-job");
        DEFAULTS.put("parallelism", "");                   // empty: the cluster's default
        DEFAULTS.put("job-name", "funnel detection");
        DEFAULTS.put("bounded", "false");                  // stop at the topic's end offsets (tests, benchmarks)
    }

    private final Map<String, String> values;

    private JobOptions(Map<String, String> values) {
        this.values = values;
    }

    public static JobOptions parse(String[] args) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !DEFAULTS.containsKey(a.substring(2))) {
                throw new IllegalArgumentException("unknown option " + a + " (known: --" + String.join(", --", DEFAULTS.keySet()) + ")");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            v.put(a.substring(2), args[++i]);
        }
        for (Map.Entry<String, String> e : v.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("--" + e.getKey() + " is required");
            }
        }
        return new JobOptions(v);
    }

    public String get(String key) {
        String s = values.get(key);
        if (s == null) {
            throw new IllegalArgumentException("undeclared option " + key);
        }
        return s;
    }

    public static JobOptions of(Map<String, String> options) {
        String[] args = options.entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of("--" + e.getKey(), e.getValue())).toArray(String[]::new);
        return parse(args);
    }
}
