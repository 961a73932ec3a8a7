package dev.funnel.collector.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Slow requests are timed in kernel ticks: the tick the collector uses is the kernel's. */
class ClocksTest {
    @Test
    void theTickIsTheOneTheKernelWasBuiltWith() throws IOException {
        long ns = Clocks.tickNs();
        Integer hz = configuredHz();
        if (hz != null) {
            assertEquals((1_000_000_000L + hz / 2) / hz, ns, "tick of a CONFIG_HZ=" + hz + " kernel");
        } else {
            assertTrue(ns >= 1_000_000 && ns <= 10_000_000, "a tick of 1-10 ms (HZ 100-1000): " + ns);
        }
    }

    /** CONFIG_HZ from the kernel's build configuration, where this machine has it readable. */
    static Integer configuredHz() throws IOException {
        Pattern hz = Pattern.compile("^CONFIG_HZ=(\\d+)$", Pattern.MULTILINE);
        for (Path p : new Path[] {Path.of("/boot/config-" + System.getProperty("os.version")), Path.of("/proc/config.gz")}) {
            if (Files.isReadable(p)) {
                try (InputStream in = Files.newInputStream(p)) {
                    String text = new String((p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in).readAllBytes());
                    Matcher m = hz.matcher(text);
                    if (m.find()) {
                        return Integer.valueOf(m.group(1));
                    }
                }
            }
        }
        return null;
    }
}
