package dev.funnel.alerts;

import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.Topics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code funnel alerts [--bootstrap-servers H:P] [--schema-registry URL] [--topic T] [--group G]
 * [--from-beginning] [--json]}: prints alerts as they arrive until Ctrl-C. Works against any
 * cluster; the defaults are the demo's. Exit status: 0 stopped, 1 failed (said why), 2 bad option.
 */
@Command(name = "funnel alerts", mixinStandardHelpOptions = true,
        description = "Prints alerts from the alerts topic as they arrive, until Ctrl-C.")
public final class AlertsMain implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", defaultValue = Topics.ALERTS, description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--group", defaultValue = "", paramLabel = "NAME",
            description = "Consumer group: resume where it left off (default: none, a new reader each run).")
    String group;

    @Option(names = "--from-beginning", description = "Without a committed position, start at the oldest alert.")
    boolean fromBeginning;

    @Option(names = "--json", description = "One JSON object per line (Avro's JSON mapping of Alert.avsc).")
    boolean json;

    @Option(names = "--outcomes-topic", defaultValue = Topics.ACTIONS_AUDIT,
            description = "Where collectors report what their actions did, printed below the alerts"
                    + " (human output only; empty: none). Default: ${DEFAULT-VALUE}.")
    String outcomesTopic;

    private final PrintStream out;
    private final PrintStream err;

    public AlertsMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code java -jar funnel-alerts.jar [options]}: what the alerts container runs. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new AlertsMain(out, err)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, cli, parsed) -> {
                    err.println("funnel alerts: " + e.getMessage());
                    return 1;
                }).execute(args);
    }

    /** The options in args, checked (a ParameterException names what is wrong): deployment files use it. */
    public static AlertsMain parse(String... args) {
        AlertsMain a = new AlertsMain(System.out, System.err);
        new CommandLine(a).parseArgs(args);
        return a;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers;
    }

    public String schemaRegistry() {
        return cluster.schemaRegistry;
    }

    @Override
    public Integer call() {
        TopicReader<Alert> reader = TopicReader.alerts(cluster.bootstrapServers, cluster.schemaRegistry, topic, group, fromBeginning);
        if (!json && !outcomesTopic.isEmpty()) {
            outcomes();
        }
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reader.stop();
            try {
                main.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "funnel-alerts-stop"));
        if (!json) {
            err.printf("funnel alerts: reading %s on %s%s; Ctrl-C to stop%n", topic, cluster.bootstrapServers,
                    fromBeginning ? " from the beginning" : "");
        }
        try {
            reader.run(a -> {
                synchronized (out) {
                    out.println(json ? AlertFormat.json(a) : AlertFormat.human(a));
                    out.flush();
                }
            }, bad -> err.println("funnel alerts: skipped a record that is not an alert: " + bad),
                    note -> err.println("funnel alerts: " + note));
        } finally {
            reader.close();
        }
        return 0;
    }

    /** Prints action outcomes as they arrive, on a daemon thread (its own group: group + "-outcomes"). */
    private void outcomes() {
        TopicReader<ActionOutcome> r = new TopicReader<>(ActionOutcome.class, cluster.bootstrapServers,
                cluster.schemaRegistry, outcomesTopic, group.isEmpty() ? "" : group + "-outcomes", fromBeginning);
        Thread t = new Thread(() -> {
            try {
                r.run(o -> {
                    synchronized (out) {
                        out.println(AlertFormat.outcome(o));
                        out.flush();
                    }
                }, bad -> err.println("funnel alerts: skipped a record that is not an action outcome: " + bad));
            } finally {
                r.close();
            }
        }, "funnel-alert-outcomes");
        t.setDaemon(true);
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(r::stop, "funnel-outcomes-stop"));
    }
}
