package dev.funnel.demo.stress;

import dev.funnel.collector.bpf.NativeLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs the funnel-workload helper (shipped in the collector jar) and returns its one-line report. */
final class Workload {
    private Workload() {}

    static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(NativeLoader.tool("funnel-workload").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IOException("funnel-workload " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
