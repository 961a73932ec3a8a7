package dev.funnel.job.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A section of rules.yaml: its name and the keys it accepts. Each detector declares its own;
 * the parser knows no detector by name.
 */
public record RuleSection(String name, List<RuleKey> keys) implements Serializable {
    /** A detector's section: enabled and cooldown (the quiet time that ends an incident), then its own keys. */
    public static RuleSection detector(String name, RuleKey... own) {
        List<RuleKey> keys = new ArrayList<>(List.of(RuleKey.bool("enabled")));
        keys.addAll(List.of(own));
        keys.add(RuleKey.duration("cooldown"));
        return new RuleSection(name, List.copyOf(keys));
    }

    RuleKey key(String name) {
        return keys.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
    }

    List<String> keyNames() {
        return keys.stream().map(RuleKey::name).toList();
    }
}
