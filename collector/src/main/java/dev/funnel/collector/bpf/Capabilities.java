package dev.funnel.collector.bpf;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** The effective capability set of this process, from /proc/self/status. */
public record Capabilities(BigInteger effective) {
    public static final int CAP_DAC_READ_SEARCH = 2;
    public static final int CAP_KILL = 5;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    public static Capabilities current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new Capabilities(new BigInteger(line.substring(7).trim(), 16));
                }
            }
        } catch (IOException e) {
            // fall through: no capabilities known
        }
        return new Capabilities(BigInteger.ZERO);
    }

    public boolean has(int cap) {
        return effective.testBit(cap);
    }

    /** Loading tracing programs needs CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN on its own. */
    public String missingForBpf() {
        if (has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON))) {
            return null;
        }
        return !has(CAP_BPF) ? "CAP_BPF" : "CAP_PERFMON";
    }
}
