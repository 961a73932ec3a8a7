package dev.funnel.demo.local;

import dev.funnel.embedded.Ports;
import dev.funnel.job.FunnelJob;
import dev.funnel.job.JobOptions;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The detection job on a Flink mini cluster inside this JVM, with the Web UI: the same job
 * graph {@code flink run} submits to a real cluster. The mini cluster lives as long as the job;
 * close() cancels the job, which shuts the cluster down.
 */
public final class LocalFlink implements AutoCloseable {
    private final JobClient job;
    private final int webPort;

    private LocalFlink(JobClient job, int webPort) {
        this.job = job;
        this.webPort = webPort;
    }

    /**
     * Starts the job and waits until it runs. webPort 0: a free port, chosen here so the URL
     * printed is one that answers (the local environment does not tell which port it bound).
     * logFile: what the Web UI's log tab shows.
     */
    public static LocalFlink start(int requestedWebPort, JobOptions o, String logFile) {
        int webPort = requestedWebPort == 0 ? Ports.free() : requestedWebPort;
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, webPort);
        conf.set(WebOptions.LOG_PATH, logFile);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        // A laptop-sized cluster: the job keeps little state, and 2 cores are all we have.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(32));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(32));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        FunnelJob.build(env, o);
        try {
            JobClient client = env.executeAsync(o.jobName);
            awaitRunning(client, Duration.ofSeconds(120));
            return new LocalFlink(client, webPort);
        } catch (Exception e) {
            throw new IllegalStateException("the Flink job did not start: " + e.getMessage(), e);
        }
    }

    private static void awaitRunning(JobClient client, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            JobStatus s = client.getJobStatus().get();
            if (s == JobStatus.RUNNING) {
                return;
            }
            if (s.isGloballyTerminalState()) {
                client.getJobExecutionResult().get(); // throws the job's failure
                throw new IllegalStateException("the job ended at once (" + s + ")");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the job was not running after " + timeout.toSeconds() + " s");
    }

    public String webUrl() {
        return "http://localhost:" + webPort;
    }

    public JobClient job() {
        return job;
    }

    /** The job's current status, or the failure that ended it. */
    public String status() {
        try {
            return job.getJobStatus().get().toString();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            job.cancel().get();
            job.getJobExecutionResult().handle((r, e) -> null).get();
        } catch (Exception e) {
            // Already ended (or failed): the mini cluster is down either way.
        }
    }
}
