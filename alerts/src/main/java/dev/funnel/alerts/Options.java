package dev.funnel.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command-line parser Funnel's tools share (alerts here; demo, stress, fleet in the demo
 * module): {@code --key value} options and {@code --flag} switches with declared defaults. An unknown
 * option, a missing value or a value that is not a number where one is needed is an
 * {@link UsageException} naming the option.
 */
public final class Options {
    private final Map<String, String> values;
    private final Set<String> flags;

    private Options(Map<String, String> values, Set<String> flags) {
        this.values = values;
        this.flags = flags;
    }

    /** defaults: every option this command knows (value null: required); flags: the switches. */
    public static Options parse(String[] args, Map<String, String> defaults, Set<String> knownFlags) {
        Map<String, String> v = new LinkedHashMap<>(defaults);
        Set<String> on = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new UsageException(null);
            }
            String key = a.startsWith("--") ? a.substring(2) : null;
            if (key != null && knownFlags.contains(key)) {
                on.add(key);
            } else if (key != null && defaults.containsKey(key)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                v.put(key, args[++i]);
            } else {
                throw new UsageException("unknown option " + a);
            }
        }
        v.forEach((k, val) -> {
            if (val == null) {
                throw new UsageException("--" + k + " is required");
            }
        });
        return new Options(v, on);
    }

    public String get(String key) {
        String s = values.get(key);
        if (s == null) {
            throw new IllegalArgumentException("undeclared option " + key);
        }
        return s;
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a whole number, not '" + get(key) + "'");
        }
    }

    public boolean flag(String key) {
        return flags.contains(key);
    }

    /**
     * A command-line mistake, printed with the command's usage (exit status 2); or, with a
     * null message, a request for the usage (--help, exit status 0).
     */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }

        public boolean helpRequested() {
            return getMessage() == null;
        }

        /** Prints the message (if any) and the usage; returns the exit status. */
        public int report(String command, String usage, java.io.PrintStream err) {
            if (!helpRequested()) {
                err.println("funnel " + command + ": " + getMessage());
            }
            err.println(usage);
            return helpRequested() ? 0 : 2;
        }
    }
}
