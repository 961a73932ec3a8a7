package dev.funnel.demo;

import dev.funnel.alerts.AlertsMain;
import dev.funnel.alerts.actions.ActionsMain;
import dev.funnel.demo.local.DemoMain;
import dev.funnel.demo.local.LocalJobMain;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of funnel-demo.jar: {@code demo | alerts | actions | job}, each a picocli command. bin/funnel
 * calls it. Exit status: 0 done, 1 failed (one line says why), 2 a bad option (named).
 */
@Command(name = "funnel", mixinStandardHelpOptions = true, description = "Funnel on this host.")
public final class FunnelCli {
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new FunnelCli())
                .addSubcommand("demo", new DemoMain(out, err))
                .addSubcommand("alerts", new AlertsMain(out, err))
                .addSubcommand("actions", new ActionsMain(out, err))
                .addSubcommand("job", new LocalJobMain(err));
        return cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, c, parsed) -> {
                    err.println(c.getCommandName().equals("funnel") ? "funnel: " + e.getMessage()
                            : "funnel " + c.getCommandName() + ": " + e.getMessage());
                    return 1;
                }).execute(args);
    }
}
