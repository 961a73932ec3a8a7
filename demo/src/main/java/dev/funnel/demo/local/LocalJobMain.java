package dev.funnel.demo.local;

import dev.funnel.alerts.Options;
import dev.funnel.demo.cli.Progress;
import dev.funnel.job.JobOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code funnel job [--web-port 8081] --bootstrap-servers H:P --schema-registry URL [job options]}:
 * the detection job on a local mini cluster with the Web UI, against any Kafka and registry.
 * The job options are those of {@code flink run funnel-flink-job.jar}.
 */
public final class LocalJobMain {
    private LocalJobMain() {}

    public static int run(String[] args, PrintStream err) {
        int port = 8081;
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--web-port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                jobArgs.add(args[i]);
            }
        }
        JobOptions o;
        try {
            o = JobOptions.parse(jobArgs.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage());
        }
        int webPort = port;
        Progress progress = new Progress("funnel job", err);
        LocalFlink flink = progress.step("Flink mini cluster and the detection job",
                () -> LocalFlink.start(webPort, o, DemoMain.workDir().resolve("flink.log").toString()));
        progress.say("Web UI at %s; Ctrl-C stops the job", flink.webUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(flink::close, "funnel-job-stop"));
        flink.job().getJobExecutionResult().handle((r, e) -> {
            if (e != null) {
                err.println("funnel job: the job ended: " + e.getMessage());
            }
            return null;
        }).join();
        return 0;
    }
}
