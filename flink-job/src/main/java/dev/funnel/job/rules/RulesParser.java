package dev.funnel.job.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads rules YAML over the built-in defaults. Every detector and key is declared here; an
 * unknown one, a bad value, or rules that cannot work together are errors that name the
 * file, detector and key.
 */
public final class RulesParser {
    private static final Map<String, List<String>> KEYS = new LinkedHashMap<>();
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static {
        KEYS.put(Rules.FORK_STORM, List.of("enabled", "threshold", "window", "cooldown"));
        KEYS.put(Rules.SUSTAINED_FORK_RATE, List.of("enabled", "threshold", "window", "slide", "cooldown"));
        KEYS.put(Rules.SHORT_LIVED_FLOOD, List.of("enabled", "children", "within", "max_lifetime", "cooldown"));
        KEYS.put(Rules.SLOW_REQUESTS, List.of("enabled", "threshold", "min_count", "window", "cooldown"));
        KEYS.put(Rules.FD_BURST, List.of("enabled", "threshold", "window", "cooldown"));
        KEYS.put(Rules.CONNECTION_BURST, List.of("enabled", "threshold", "window", "cooldown"));
        KEYS.put(Rules.LOST_VISIBILITY, List.of("enabled", "threshold", "window", "cooldown"));
        KEYS.put("watermarks", List.of("out_of_orderness", "idleness"));
    }

    private RulesParser() {}

    static Rules defaults() {
        try (InputStream in = RulesParser.class.getResourceAsStream("/default-rules.yaml")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-rules.yaml", null);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("default-rules.yaml missing from the job jar", e);
        }
    }

    /** The defaults overridden by the file. */
    public static Rules fromFile(Path file) {
        try {
            return parse(Files.readString(file), file.toString(), defaults());
        } catch (IOException e) {
            throw new RulesException("cannot read rules " + file + ": " + e.getMessage());
        }
    }

    /** Parses yaml over base (null: from scratch, every key required). */
    public static Rules parse(String yaml, String source, Rules base) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (RuntimeException e) {
            throw new RulesException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            root = Map.of();
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new RulesException(source + ": expected a map of detectors at the top level");
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String d : KEYS.keySet()) {
            if (!d.equals("watermarks")) {
                rules.put(d, base == null ? new Rule(d) : copy(base.get(d)));
            }
        }
        long[] watermarks = base == null ? new long[] {-1, -1} : new long[] {base.outOfOrdernessMs, base.idlenessMs};
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String detector = String.valueOf(e.getKey());
            List<String> keys = KEYS.get(detector);
            if (keys == null) {
                throw new RulesException(source + ": unknown detector '" + detector + "' (known: "
                        + String.join(", ", KEYS.keySet()) + ")");
            }
            if (!(e.getValue() instanceof Map<?, ?> settings)) {
                throw new RulesException(source + ": " + detector + ": expected a map of settings");
            }
            for (Map.Entry<?, ?> kv : settings.entrySet()) {
                String key = String.valueOf(kv.getKey());
                String where = source + ": " + detector + "." + key;
                if (!keys.contains(key)) {
                    throw new RulesException(where + ": unknown key (known: " + String.join(", ", keys) + ")");
                }
                if (detector.equals("watermarks")) {
                    watermarks[key.equals("out_of_orderness") ? 0 : 1] = duration(kv.getValue(), where);
                } else {
                    set(rules.get(detector), key, kv.getValue(), where);
                }
            }
        }
        Rules r = new Rules(rules, watermarks[0], watermarks[1]);
        validate(r, source);
        return r;
    }

    private static void set(Rule r, String key, Object v, String where) {
        switch (key) {
            case "enabled" -> {
                if (!(v instanceof Boolean b)) {
                    throw new RulesException(where + ": '" + v + "' is not true or false");
                }
                r.enabled = b;
            }
            case "threshold" -> r.threshold = r.name.equals(Rules.SLOW_REQUESTS) ? duration(v, where)
                    : number(v, where);
            case "window", "within" -> r.windowMs = positive(duration(v, where), where);
            case "slide" -> r.slideMs = positive(duration(v, where), where);
            case "cooldown" -> r.cooldownMs = duration(v, where);
            case "max_lifetime" -> r.maxLifetimeMs = positive(duration(v, where), where);
            case "min_count", "children" -> r.count = (int) positive((long) number(v, where), where);
            default -> throw new IllegalStateException(key);
        }
    }

    private static void validate(Rules r, String source) {
        Rule storm = r.get(Rules.FORK_STORM);
        Rule sustained = r.get(Rules.SUSTAINED_FORK_RATE);
        // The sustained rate is computed over the storm detector's per-window counts (panes).
        for (long v : new long[] {sustained.windowMs, sustained.slideMs}) {
            if (storm.windowMs > 0 && v % storm.windowMs != 0) {
                throw new RulesException(source + ": sustained_fork_rate.window and .slide must be multiples of "
                        + "fork_storm.window (" + storm.windowMs + " ms)");
            }
        }
        if (sustained.slideMs > sustained.windowMs) {
            throw new RulesException(source + ": sustained_fork_rate.slide is longer than its window");
        }
        if (r.outOfOrdernessMs < 0 || r.idlenessMs <= 0) {
            throw new RulesException(source + ": watermarks.out_of_orderness and .idleness are required");
        }
    }

    private static double number(Object v, String where) {
        if (v instanceof Number n && n.doubleValue() >= 0) {
            return n.doubleValue();
        }
        throw new RulesException(where + ": '" + v + "' is not a number >= 0");
    }

    private static long positive(long v, String where) {
        if (v <= 0) {
            throw new RulesException(where + ": must be greater than 0");
        }
        return v;
    }

    /** A duration option ("10s") in ms, or an error naming where it came from. */
    public static long durationMs(String value, String where) {
        return duration(value, where);
    }

    /** "500ms", "1s", "2m", "1h" to ms. */
    static long duration(Object v, String where) {
        Matcher m = DURATION.matcher(String.valueOf(v).trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new RulesException(where + ": '" + v + "' is not a duration like 500ms, 1s, 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }

    private static Rule copy(Rule o) {
        Rule r = new Rule(o.name);
        r.enabled = o.enabled;
        r.threshold = o.threshold;
        r.windowMs = o.windowMs;
        r.slideMs = o.slideMs;
        r.cooldownMs = o.cooldownMs;
        r.count = o.count;
        r.maxLifetimeMs = o.maxLifetimeMs;
        return r;
    }
}
