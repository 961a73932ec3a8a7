package dev.funnel.demo.local;

import dev.funnel.demo.cli.Progress;
import dev.funnel.job.JobOptions;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code funnel job [--web-port 8081] --bootstrap-servers H:P --schema-registry URL [job options]}:
 * the detection job on a local mini cluster with the Web UI, against any Kafka and registry.
 * The job options are those of {@code flink run funnel-flink-job.jar}.
 */
@Command(name = "job", description = "The detection job on a local Flink mini cluster with the Web UI.")
public final class LocalJobMain implements Callable<Integer> {
    @Option(names = "--web-port", defaultValue = "8081", description = "Flink Web UI port. Default: ${DEFAULT-VALUE}.")
    int webPort;

    @Mixin
    JobOptions job = new JobOptions();

    private final PrintStream err;

    public LocalJobMain(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        Progress progress = new Progress("funnel job", err);
        LocalFlink flink = progress.step("Flink mini cluster and the detection job",
                () -> LocalFlink.start(webPort, job, DemoMain.workDir().resolve("flink.log").toString()));
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
