package dev.funnel.demo;

import dev.funnel.alerts.AlertsMain;
import dev.funnel.alerts.Options;
import dev.funnel.demo.fleet.FleetMain;
import dev.funnel.demo.local.DemoMain;
import dev.funnel.demo.local.LocalJobMain;
import dev.funnel.demo.stress.StressMain;
import java.util.Arrays;

/** Entry point of funnel-demo.jar: {@code demo | alerts | stress | job | fleet}. bin/funnel calls it. */
public final class FunnelCli {
    private FunnelCli() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: funnel demo|alerts|stress|job|fleet [OPTIONS]");
            System.exit(2);
        }
        String cmd = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int status;
        try {
            status = switch (cmd) {
                case "demo" -> DemoMain.run(rest, System.out, System.err);
                case "alerts" -> AlertsMain.run(rest, System.out, System.err);
                case "stress" -> StressMain.run(rest, System.out, System.err);
                case "job" -> LocalJobMain.run(rest, System.err);
                case "fleet" -> FleetMain.run(rest, System.out, System.err);
                default -> throw new Options.UsageException("unknown command " + cmd);
            };
        } catch (Options.UsageException e) {
            status = e.report(cmd, usage(cmd), System.err);
        } catch (Exception e) {
            System.err.println("funnel " + cmd + ": " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    static String usage(String cmd) {
        return switch (cmd) {
            case "demo" -> DemoMain.USAGE;
            case "alerts" -> AlertsMain.USAGE;
            case "stress" -> StressMain.usage();
            case "fleet" -> FleetMain.USAGE;
            default -> "usage: funnel demo|alerts|stress|job|fleet [OPTIONS]";
        };
    }
}
