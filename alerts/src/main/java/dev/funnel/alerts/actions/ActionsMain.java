package dev.funnel.alerts.actions;

import dev.funnel.alerts.ClusterOptions;
import dev.funnel.schema.Action;
import dev.funnel.schema.wire.Topics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code funnel actions [--all] | approve ID | reject ID}: the actions waiting for a person
 * (rules with approval: true), and the answer to one. Exit status: 0 done, 1 failed or no such
 * pending action (said why), 2 bad option.
 */
@Command(name = "funnel actions", mixinStandardHelpOptions = true,
        description = "Lists remediation actions waiting for approval; approves or rejects one.")
public final class ActionsMain implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Parameters(index = "0", arity = "0..1", paramLabel = "list|approve|reject", defaultValue = "list",
            description = "What to do. Default: list.")
    String verb;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ACTION_ID", description = "The action to approve or reject.")
    String actionId;

    @Option(names = "--all", description = "list: every action's latest decision, not only pending ones.")
    boolean all;

    @Option(names = "--ttl", defaultValue = "30", paramLabel = "SECONDS",
            description = "approve: the collector must act within this long, or drops it. Default: ${DEFAULT-VALUE}.")
    long ttlSeconds;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", defaultValue = Topics.ACTIONS, description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    private final PrintStream out;
    private final PrintStream err;

    public ActionsMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code java -cp funnel-alerts.jar dev.funnel.alerts.actions.ActionsMain ...}: what bin/funnel actions runs. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new ActionsMain(out, err)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, cli, parsed) -> {
                    err.println("funnel actions: " + e.getMessage());
                    return 1;
                }).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        ActionLog log = new ActionLog(cluster.bootstrapServers, cluster.schemaRegistry, topic);
        Map<String, Action> latest = log.latest();
        long now = System.currentTimeMillis() * 1_000_000L;
        switch (verb) {
            case "list" -> {
                List<Action> shown = all ? List.copyOf(latest.values()) : ActionLog.pending(latest, now);
                if (shown.isEmpty()) {
                    err.println("funnel actions: " + (all ? "no actions on " + topic : "nothing waits for approval"));
                }
                shown.forEach(a -> out.println(line(a)));
                return 0;
            }
            case "approve", "reject" -> {
                if (actionId == null) {
                    err.println("funnel actions: " + verb + " needs an ACTION_ID (funnel actions lists them)");
                    return 2;
                }
                Action a = latest.get(actionId);
                if (a == null || !a.getDecision().equals("pending_approval")) {
                    err.println("funnel actions: " + actionId + (a == null ? " is not on " + topic
                            : " is not waiting for approval: it is " + a.getDecision()));
                    return 1;
                }
                if (a.getExpiresNs() <= now) {
                    err.println("funnel actions: " + actionId + " lapsed at " + TIME.format(instant(a.getExpiresNs()))
                            + " unapproved");
                    return 1;
                }
                Action answer = log.answer(a, verb.equals("approve"), System.getProperty("user.name"), ttlSeconds * 1000);
                out.println(line(answer));
                return 0;
            }
            default -> {
                err.println("funnel actions: unknown verb '" + verb + "' (list, approve, reject)");
                return 2;
            }
        }
    }

    static String line(Action a) {
        return String.format("%s  %s %s pid %d (%s) on %s: %s until %s — %s", a.getActionId(), a.getDetector(),
                a.getAction(), a.getPid(), a.getExe() != null ? a.getExe() : a.getComm(), a.getHost(), a.getDecision(),
                TIME.format(instant(a.getExpiresNs())), a.getReason());
    }

    private static Instant instant(long ns) {
        return Instant.ofEpochSecond(0, ns);
    }
}
