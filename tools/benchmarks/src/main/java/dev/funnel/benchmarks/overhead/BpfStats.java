package dev.funnel.benchmarks.overhead;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own accounting of BPF programs (run_cnt, run_time_ns; counted only while
 * kernel.bpf_stats_enabled is 1), read with bpftool, for every loaded program, by name.
 * Programs of the same name are summed (a collector reloaded keeps its names).
 */
final class BpfStats {
    private static final Pattern PROG = Pattern.compile(
            "\"name\":\"([^\"]+)\"[^{}]*?\"run_time_ns\":(\\d+),\"run_cnt\":(\\d+)");

    private BpfStats() {}

    /** name -> {runs, ns}. */
    static Map<String, long[]> read() throws IOException, InterruptedException {
        String json = Workload.exec(List.of("bpftool", "prog", "show", "--json"), 30);
        Map<String, long[]> out = new TreeMap<>();
        Matcher m = PROG.matcher(json);
        while (m.find()) {
            long[] v = out.computeIfAbsent(m.group(1), k -> new long[2]);
            v[0] += Long.parseLong(m.group(3));
            v[1] += Long.parseLong(m.group(2));
        }
        return out;
    }
}
