package dev.funnel.demo.stress;

import dev.funnel.alerts.Options;
import java.io.PrintStream;

/** {@code funnel stress SCENARIO}: runs one real workload that trips a detector. */
public final class StressMain {
    private StressMain() {}

    public static String usage() {
        StringBuilder s = new StringBuilder("usage: funnel stress SCENARIO, one of:");
        for (Scenario sc : Scenario.values()) {
            s.append(String.format("%n  %-14s %s", sc.id, sc.description));
        }
        return s.toString();
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            throw new Options.UsageException(null);
        }
        if (args.length != 1) {
            throw new Options.UsageException(args.length == 0 ? "which scenario?" : "one scenario at a time");
        }
        Scenario s = Scenario.byId(args[0]);
        if (s == null) {
            throw new Options.UsageException("unknown scenario '" + args[0] + "'");
        }
        err.printf("funnel stress: %s: %s ...%n", s.id, s.description);
        long t0 = System.nanoTime();
        String report = s.run();
        out.printf("%s: %s (%.1f s). The alert shows once its window closes (a few seconds).%n", s.id, report,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
