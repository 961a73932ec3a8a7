package dev.funnel.workloads.stress;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code funnel stress SCENARIO}: runs one real workload that trips a detector. */
@Command(name = "funnel stress", mixinStandardHelpOptions = true,
        description = "Runs one real workload that trips a detector of the default rules.",
        footerHeading = "%nScenarios:%n")
public final class StressMain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Which workload (see below).")
    String scenario;

    private final PrintStream out;
    private final PrintStream err;

    StressMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new StressMain(out, err));
        cli.getCommandSpec().usageMessage().footer(scenarios());
        return cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, c, parsed) -> {
                    err.println("funnel stress: " + e.getMessage());
                    return 1;
                }).execute(args);
    }

    static String scenarios() {
        StringBuilder s = new StringBuilder();
        for (Scenario sc : Scenario.values()) {
            s.append(String.format("  %-14s %s%n", sc.id, sc.description));
        }
        return s.toString();
    }

    @Override
    public Integer call() throws Exception {
        Scenario s = Scenario.byId(scenario);
        if (s == null) {
            err.printf("funnel stress: unknown scenario '%s'; one of:%n%s", scenario, scenarios());
            return 2;
        }
        err.printf("funnel stress: %s: %s ...%n", s.id, s.description);
        long t0 = System.nanoTime();
        String report = s.run();
        out.printf("%s: %s (%.1f s). The alert shows once its window closes (a few seconds).%n", s.id, report,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
