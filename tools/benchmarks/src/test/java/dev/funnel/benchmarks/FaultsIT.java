package dev.funnel.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.benchmarks.fleet.FaultsMain;
import dev.funnel.collector.kernel.KernelTests;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of bench/faults.sh that run in a few minutes, on the fleet path (every part its own
 * process): the collector killed with -9 mid-storm and restarted, the TaskManager killed with -9
 * (the job restores on a new one), the JobManager killed with -9 (a new one takes over through
 * ZooKeeper and restores the job), and the user's alert consumer killed right after it printed an
 * alert. Each must end in the storm's alert or a lost_visibility alert covering it, never twice;
 * the consumer prints each alert exactly once. The broker (30 s), full-disk and registry (60 s)
 * outages run in the bench only.
 */
@Timeout(900)
class FaultsIT {
    @Test
    void aKilledCollectorTaskManagerJobManagerOrAlertConsumerNeverHidesAStormOrRepeatsAnAlert(@TempDir Path tmp) throws Exception {
        KernelTests.requireBpf();
        TeeToStderr err = new TeeToStderr();
        PrintStream tee = err.stream;
        int rc = FaultsMain.run(new String[] {"--faults", "collector-kill,taskmanager-kill,jobmanager-kill,alert-consumer-kill",
                "--out", tmp.resolve("faults").toString()}, tee);
        List<String> rows = Files.readAllLines(tmp.resolve("faults.csv"));
        rows.forEach(System.out::println);
        assertEquals(0, rc, "every fault ended in an alert, none twice:\n" + err);
        assertEquals(6, rows.size(), "header, four faults, the alert consumer's row");
        assertTrue(rows.stream().skip(1).allMatch(r -> r.endsWith(",ok")), String.join("\n", rows));
        assertTrue(rows.get(1).startsWith("collector-kill,") && !rows.get(1).contains(",none,-1,none,-1,"),
                "the collector's kill raised the storm's alert or a lost_visibility alert: " + rows.get(1));
    }
}
