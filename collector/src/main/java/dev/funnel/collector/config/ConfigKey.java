package dev.funnel.collector.config;

import dev.funnel.collector.bpf.KernelConfig;
import java.util.List;
import java.util.Locale;

/**
 * A documented configuration key: its default and what values it takes. Parsing a value
 * returns an error message naming the problem, or null when it is fine.
 */
public record ConfigKey(String name, String defaultValue, Kind kind, List<String> choices, String doc) {
    /** The value types keys take. */
    public enum Kind { STRING, POSITIVE_INT, NON_NEGATIVE_INT, POWER_OF_TWO, CHOICE, LIST, PORTS }

    static ConfigKey of(String name, String def, Kind kind, String doc) {
        return new ConfigKey(name, def, kind, List.of(), doc);
    }

    static ConfigKey choice(String name, String def, List<String> choices, String doc) {
        return new ConfigKey(name, def, Kind.CHOICE, choices, doc);
    }

    static ConfigKey list(String name, String def, List<String> choices, String doc) {
        return new ConfigKey(name, def, Kind.LIST, choices, doc);
    }

    /** null when value is acceptable, else what is wrong with it. */
    String problem(String value) {
        switch (kind) {
            case POSITIVE_INT, NON_NEGATIVE_INT, POWER_OF_TWO -> {
                long v;
                try {
                    v = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    return "'" + value + "' is not a whole number";
                }
                if (v < 0 || (v == 0 && kind != Kind.NON_NEGATIVE_INT)) {
                    return "'" + value + "' must be " + (kind == Kind.NON_NEGATIVE_INT ? ">= 0" : "> 0");
                }
                if (kind == Kind.POWER_OF_TWO && (Long.bitCount(v) != 1 || v < 4096 || v > (1L << 30))) {
                    return "'" + value + "' must be a power of 2 between 4096 and 1073741824";
                }
                return null;
            }
            case CHOICE -> {
                return choices.contains(value.trim().toLowerCase(Locale.ROOT)) ? null
                        : "'" + value + "' is not one of " + String.join(", ", choices);
            }
            case LIST -> {
                for (String item : value.split(",")) {
                    String i = item.trim().toLowerCase(Locale.ROOT);
                    if (!i.isEmpty() && !choices.contains(i)) {
                        return "'" + i + "' is not one of " + String.join(", ", choices);
                    }
                }
                return null;
            }
            case PORTS -> {
                String[] items = value.trim().isEmpty() ? new String[0] : value.split(",");
                if (items.length > KernelConfig.PORTS_MAX) {
                    return "at most " + KernelConfig.PORTS_MAX + " ports, not " + items.length;
                }
                for (String item : items) {
                    try {
                        int p = Integer.parseInt(item.trim());
                        if (p < 1 || p > 65535) {
                            return "port " + p + " is not between 1 and 65535";
                        }
                    } catch (NumberFormatException e) {
                        return "'" + item.trim() + "' is not a port number";
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }
}
