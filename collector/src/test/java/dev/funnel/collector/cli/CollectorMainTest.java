package dev.funnel.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.kernel.KernelTests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** funnel collector --sink stdout: one JSON object per line per record, then a summary. */
@Timeout(120)
class CollectorMainTest {
    @Test
    void printsOneJsonObjectPerRecordAndASummaryOnExit() throws Exception {
        KernelTests.requireBpf();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger rc = new AtomicInteger(-1);
        Thread main = new Thread(() -> rc.set(CollectorMain.run(new String[] {"--sink", "stdout", "--duration", "4",
                "--set", "metrics.port=0"}, new PrintStream(out, true), new PrintStream(err, true))));
        main.start();
        Thread.sleep(1500);
        long pid = KernelTests.runWorkload("forks", "30");
        main.join();
        assertEquals(0, rc.get(), err.toString());
        List<String> lines = Arrays.stream(out.toString().split("\n")).filter(l -> !l.isBlank()).toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"type\":\"") && l.endsWith("}")), "JSON lines");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"EXEC\"") && l.contains("\"pid\":" + pid)
                && l.contains("funnel-workload") && l.contains("\"ppid\":")), "the workload's exec with process fields");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"BURST\"") && l.contains("\"kind\":\"FORK\"")),
                "the fork burst");
        String summary = err.toString();
        assertTrue(summary.contains("funnel collector summary") && summary.contains("kernel")
                && summary.contains("total lost: 0 events"), summary);
    }

    @Test
    void aBadOptionOrKeyExitsWith2AndSaysWhich() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = CollectorMain.run(new String[] {"--set", "kafka.topik=x"}, System.out, new PrintStream(err, true));
        assertEquals(2, rc);
        assertTrue(err.toString().contains("'kafka.topik'"), err.toString());
    }
}
