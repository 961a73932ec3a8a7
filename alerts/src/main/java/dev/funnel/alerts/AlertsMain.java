package dev.funnel.alerts;

import dev.funnel.schema.wire.Topics;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code funnel alerts [--bootstrap-servers H:P] [--schema-registry URL] [--topic T] [--group G]
 * [--from-beginning] [--json]}: prints alerts as they arrive until Ctrl-C. Works against any
 * cluster; the defaults are the demo's.
 */
public final class AlertsMain {
    public static final String USAGE = "usage: funnel alerts [--bootstrap-servers localhost:9092]"
            + " [--schema-registry http://localhost:8085/apis/ccompat/v7] [--topic " + Topics.ALERTS + "]"
            + " [--group NAME] [--from-beginning] [--json]";

    private AlertsMain() {}

    /** {@code java -jar funnel-alerts.jar [options]}: what the alerts container runs. */
    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out, System.err));
        } catch (Options.UsageException e) {
            System.exit(e.report("alerts", USAGE, System.err));
        } catch (RuntimeException e) {
            System.err.println("funnel alerts: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The options, checked: an unknown one or a missing value is a UsageException naming it. */
    public static Options options(String[] args) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("bootstrap-servers", "localhost:9092");
        defaults.put("schema-registry", "http://localhost:8085/apis/ccompat/v7");
        defaults.put("topic", Topics.ALERTS);
        defaults.put("group", ""); // empty: no committed position, a new reader each run
        return Options.parse(args, defaults, Set.of("from-beginning", "json"));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = options(args);
        boolean json = o.flag("json");
        AlertReader reader = new AlertReader(o.get("bootstrap-servers"), o.get("schema-registry"), o.get("topic"),
                o.get("group"), o.flag("from-beginning"));
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
            err.printf("funnel alerts: reading %s on %s%s; Ctrl-C to stop%n", o.get("topic"), o.get("bootstrap-servers"),
                    o.flag("from-beginning") ? " from the beginning" : "");
        }
        try {
            reader.run(a -> {
                out.println(json ? AlertFormat.json(a) : AlertFormat.human(a));
                out.flush();
            }, bad -> err.println("funnel alerts: skipped a record that is not an alert: " + bad));
        } finally {
            reader.close();
        }
        return 0;
    }
}
