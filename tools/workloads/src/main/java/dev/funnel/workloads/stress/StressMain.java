package dev.funnel.workloads.stress;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code funnel stress SCENARIO}: runs one real workload that trips a detector. */
@Command(name = "funnel stress", mixinStandardHelpOptions = true,
        description = "Runs one real workload that trips a detector of the default rules.",
        footerHeading = "%nScenarios:%n")
public final class StressMain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Which workload (see below).")
    String scenario;

    @Option(names = "--remediate", description = "fork-storm only: a storm that goes on until something stops it"
            + " (at most 60 s), then says whether remediation did, and how fast.")
    boolean remediate;

    /** How long a --remediate storm waits to be stopped before it gives up and stops itself. */
    static final int REMEDIATE_WAIT_S = 60;

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
        if (remediate) {
            if (s != Scenario.FORK_STORM) {
                err.println("funnel stress: --remediate goes with fork-storm only");
                return 2;
            }
            return stormUntilStopped();
        }
        err.printf("funnel stress: %s: %s ...%n", s.id, s.description);
        long t0 = System.nanoTime();
        String report = s.run();
        out.printf("%s: %s (%.1f s). The alert shows once its window closes (a few seconds).%n", s.id, report,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** A fork storm that does not end by itself: exit 0 when something killed it, 1 when nothing did. */
    private int stormUntilStopped() throws Exception {
        err.printf("funnel stress: fork-storm --remediate: forking until stopped (at most %d s) ...%n", REMEDIATE_WAIT_S);
        long t0 = System.nanoTime();
        Process storm = new ProcessBuilder(dev.funnel.workloads.Workloads.binary().toString(), "forks", "1000000000")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean ended = storm.waitFor(REMEDIATE_WAIT_S, java.util.concurrent.TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!ended) {
            storm.destroyForcibly();
            storm.waitFor();
            out.printf("fork-storm: not stopped in %d s (pid %d). Remediation acts when the job's rules enforce it"
                    + " (bin/funnel demo --rules deploy/rules/remediate.yaml) and the collector runs with remediation=on.%n",
                    REMEDIATE_WAIT_S, storm.pid());
            return 1;
        }
        int status = storm.exitValue();
        out.printf("fork-storm: pid %d stopped %.1f s after it began (%s)%n", storm.pid(), seconds,
                status == 128 + 9 ? "SIGKILL: remediation, see bin/funnel alerts" : "exit status " + status);
        return status == 128 + 9 ? 0 : 1;
    }
}
