package dev.funnel.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.benchmarks.fleet.FleetMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet path, exercised: a Kafka broker and the registry as their own processes, a
 * standalone Flink session cluster (JobManager + TaskManager from Maven jars), the job jar
 * submitted as `flink run -d` does, the collector jar as its own process, a fork storm, and
 * the alert read back by the alert consumer. `funnel fleet` is the same code.
 */
@Timeout(420)
class FleetIT {
    @Test
    void theJobJarOnASessionClusterAlertsOnAStormSeenByAStandaloneCollector() throws Exception {
        KernelTests.requireBpf();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TeeToStderr err = new TeeToStderr();
        int rc = FleetMain.run(new String[] {"--timeout", "120"}, new PrintStream(out, true), err.stream);
        System.out.println(out);
        assertEquals(0, rc, "exactly one fork_storm alert:\n" + err + out);
        assertTrue(err.toString().contains("1 fork_storm alert(s)"), err.toString());
        assertTrue(out.toString().contains("fork_storm") && out.toString().contains("/funnel-workload"), out.toString());
        assertTrue(err.toString().contains("job ") && err.toString().contains("RUNNING"), "the job was still running");
    }
}
