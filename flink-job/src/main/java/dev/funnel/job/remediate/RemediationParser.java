package dev.funnel.job.remediate;

import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RulesException;
import dev.funnel.job.rules.RulesParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the remediation section of rules.yaml. Layers apply in order (the built-in defaults,
 * then the user's file): a later layer's scalar keys and per-detector actions replace earlier
 * ones, and its protect lists add to them: a user file cannot drop the shipped protections
 * (sshd, systemd, the container runtimes, kubelet), only add its own. Every error names the
 * key. A rule's action is `kill` or a map `{action: kill, mode: enforce}`; its mode defaults to
 * the section's, which defaults to dry-run.
 */
public final class RemediationParser {
    public static final String SECTION = "remediation";
    static final List<String> KEYS = List.of("mode", "ttl", "approval", "approval_ttl", "rate_limit", "rate_window",
            "disarm_after", "disarm_window", "disarm_for", "throttle_cpu", "actions", "protect");
    static final List<String> PROTECT_KEYS = List.of("exe", "cgroup", "uid", "cmdline");
    /** Detectors about a whole host (no process to act on): notify at most. */
    static final Set<String> HOST_WIDE = Set.of("lost_visibility", "collector_gaps", "visibility_restored");

    private RemediationParser() {}

    /** Merges layer over merged (both raw YAML maps), checking layer's keys; returns the merged map. */
    public static Map<String, Object> merge(Map<String, Object> merged, Object layer, String source) {
        String where = source + ": " + SECTION;
        if (!(layer instanceof Map<?, ?> m)) {
            throw new RulesException(where + ": expected a map of settings");
        }
        Map<String, Object> out = new LinkedHashMap<>(merged);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!KEYS.contains(key)) {
                throw new RulesException(where + "." + key + ": unknown key (known: " + String.join(", ", KEYS) + ")");
            }
            switch (key) {
                case "actions" -> {
                    if (!(e.getValue() instanceof Map<?, ?> actions)) {
                        throw new RulesException(where + ".actions: expected a map of detector: action");
                    }
                    Map<Object, Object> all = new LinkedHashMap<>(asMap(out.get("actions")));
                    all.putAll(actions);
                    out.put("actions", all);
                }
                case "protect" -> {
                    if (!(e.getValue() instanceof Map<?, ?> protect)) {
                        throw new RulesException(where + ".protect: expected a map with " + String.join(", ", PROTECT_KEYS));
                    }
                    Map<Object, Object> all = new LinkedHashMap<>(asMap(out.get("protect")));
                    for (Map.Entry<?, ?> p : protect.entrySet()) {
                        String pk = String.valueOf(p.getKey());
                        if (!PROTECT_KEYS.contains(pk)) {
                            throw new RulesException(where + ".protect." + pk + ": unknown key (known: "
                                    + String.join(", ", PROTECT_KEYS) + ")");
                        }
                        if (!(p.getValue() instanceof List<?> list)) {
                            throw new RulesException(where + ".protect." + pk + ": expected a list");
                        }
                        List<Object> joined = new ArrayList<>(all.get(pk) instanceof List<?> l ? l : List.of());
                        joined.addAll(list);
                        all.put(pk, joined);
                    }
                    out.put("protect", all);
                }
                default -> out.put(key, e.getValue());
            }
        }
        return out;
    }

    /** The merged map as a policy; detectors are the detector names actions may name. */
    public static Remediation build(Map<String, Object> raw, String source, Set<String> detectors) {
        String where = source + ": " + SECTION + ".";
        for (String k : KEYS) {
            if (!raw.containsKey(k)) {
                throw new RulesException(where + k + " is required");
            }
        }
        boolean enforceAll = mode(raw.get("mode"), where + "mode");
        Map<String, RuleAction> actions = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : asMap(raw.get("actions")).entrySet()) {
            String detector = String.valueOf(e.getKey());
            String at = where + "actions." + detector;
            if (!detectors.contains(detector)) {
                throw new RulesException(at + ": no such detector (known: " + String.join(", ", detectors) + ")");
            }
            RuleAction a = ruleAction(e.getValue(), enforceAll, at);
            if (HOST_WIDE.contains(detector) && a.action().touchesHost()) {
                throw new RulesException(at + ": '" + a.action().yamlName()
                        + "' needs a process, and this detector is about a whole host (none or notify)");
            }
            actions.put(detector, a);
        }
        Map<?, ?> p = asMap(raw.get("protect"));
        Set<Integer> uids = new LinkedHashSet<>();
        for (Object u : list(p.get("uid"))) {
            if (!(u instanceof Integer i) || i < 0) {
                throw new RulesException(where + "protect.uid: '" + u + "' is not a uid");
            }
            uids.add(i);
        }
        List<String> cgroups = strings(p.get("cgroup"), where + "protect.cgroup");
        for (String c : cgroups) {
            if (!c.startsWith("/")) {
                throw new RulesException(where + "protect.cgroup: '" + c + "' is not a path from the cgroup root (/...)");
            }
        }
        Protection protect = new Protection(new LinkedHashSet<>(strings(p.get("exe"), where + "protect.exe")), cgroups,
                uids, strings(p.get("cmdline"), where + "protect.cmdline"));
        double throttle = number(raw.get("throttle_cpu"), where + "throttle_cpu");
        if (throttle <= 0) {
            throw new RulesException(where + "throttle_cpu: must be greater than 0 (a share of one CPU)");
        }
        return new Remediation(Map.copyOf(actions), positive(raw.get("ttl"), where + "ttl"),
                bool(raw.get("approval"), where + "approval"), positive(raw.get("approval_ttl"), where + "approval_ttl"),
                count(raw.get("rate_limit"), where + "rate_limit"), positive(raw.get("rate_window"), where + "rate_window"),
                count(raw.get("disarm_after"), where + "disarm_after"),
                positive(raw.get("disarm_window"), where + "disarm_window"),
                positive(raw.get("disarm_for"), where + "disarm_for"), throttle, protect);
    }

    private static RuleAction ruleAction(Object v, boolean enforceAll, String at) {
        Object name = v;
        boolean enforce = enforceAll;
        if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!"action".equals(k) && !"mode".equals(k)) {
                    throw new RulesException(at + "." + k + ": unknown key (known: action, mode)");
                }
            }
            name = m.get("action");
            if (m.containsKey("mode")) {
                enforce = mode(m.get("mode"), at + ".mode");
            }
        }
        Action a = name == null ? null : Action.parse(String.valueOf(name));
        if (a == null) {
            throw new RulesException(at + ": '" + name + "' is not an action (none, notify, freeze, throttle, kill, kill_group)");
        }
        return new RuleAction(a, enforce);
    }

    private static boolean mode(Object v, String where) {
        if ("dry-run".equals(v)) {
            return false;
        }
        if ("enforce".equals(v)) {
            return true;
        }
        throw new RulesException(where + ": '" + v + "' is not dry-run or enforce");
    }

    private static long positive(Object v, String where) {
        return (Long) RulesParser.value(RuleKey.window(where), v, where);
    }

    private static boolean bool(Object v, String where) {
        return (Boolean) RulesParser.value(RuleKey.bool(where), v, where);
    }

    private static int count(Object v, String where) {
        return (Integer) RulesParser.value(RuleKey.count(where), v, where);
    }

    private static double number(Object v, String where) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new RulesException(where + ": '" + v + "' is not a number");
    }

    private static List<String> strings(Object v, String where) {
        List<String> out = new ArrayList<>();
        for (Object o : list(v)) {
            if (!(o instanceof String s) || s.isBlank()) {
                throw new RulesException(where + ": '" + o + "' is not a non-empty string");
            }
            out.add(s);
        }
        return out;
    }

    private static List<?> list(Object v) {
        return v instanceof List<?> l ? l : List.of();
    }

    private static Map<?, ?> asMap(Object v) {
        return v instanceof Map<?, ?> m ? m : Map.of();
    }
}
