package dev.funnel.collector.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the running kernel's BTF (/sys/kernel/btf/vmlinux, world-readable) names: which BTF
 * tracepoints exist, so the collector picks a hook before loading rather than failing the
 * load. Read once per process (about 5 MB); a kernel without BTF has none.
 */
public final class KernelBtf {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static byte[] btf;

    private KernelBtf() {}

    /** Whether the kernel has the tracepoint (a tp_btf program attaches to its btf_trace_NAME typedef). */
    public static boolean hasTracepoint(String name) {
        return contains(btf(), ("\0btf_trace_" + name + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static synchronized byte[] btf() {
        if (btf == null) {
            try {
                btf = Files.readAllBytes(VMLINUX);
            } catch (IOException e) {
                btf = new byte[0];
            }
        }
        return btf;
    }

    /** Whether needle occurs in hay (a plain scan: once per process, a few ms). */
    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
