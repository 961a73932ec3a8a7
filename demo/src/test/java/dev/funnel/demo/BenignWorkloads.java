package dev.funnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real work a healthy host does, which must not raise an alert: a parallel build and a
 * package install. Each returns what it did, for the test log.
 */
final class BenignWorkloads {
    private BenignWorkloads() {}

    /** make -j2 compiling 24 real C files (the collector's own sources, 12 copies each) with gcc -O2. */
    static String parallelBuild(Path root, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path src = root.resolve("collector/src/main/c");
        for (int i = 1; i <= 12; i++) {
            Files.copy(src.resolve("native_bpf.c"), dir.resolve("jni" + i + ".c"));
            Files.copy(root.resolve("tools/workloads/src/main/c/funnel_workload.c"), dir.resolve("tool" + i + ".c"));
        }
        Path jdk = Path.of(System.getProperty("java.home"));
        Files.writeString(dir.resolve("Makefile"), String.join("\n",
                "OBJS := $(patsubst %.c,%.o,$(wildcard *.c))",
                "all: $(OBJS)",
                "%.o: %.c",
                "\tgcc -O2 -c -I" + jdk.resolve("include") + " -I" + jdk.resolve("include/linux") + " $< -o $@", ""));
        return run(List.of("make", "-s", "-j2", "-C", dir.toString()), Map.of(), "make -j2, 24 files");
    }

    /** apt-get reinstalls bpftool (the .deb is in apt's cache since bin/funnel installed it). */
    static String packageInstall() throws IOException, InterruptedException {
        return run(List.of("apt-get", "install", "--reinstall", "-y", "-q", "bpftool"),
                Map.of("DEBIAN_FRONTEND", "noninteractive"), "apt-get install --reinstall bpftool");
    }

    private static String run(List<String> cmd, Map<String, String> env, String what)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), what + " finished");
        assertEquals(0, p.exitValue(), what + ": " + out);
        return String.format("%s (%.1f s)", what, (System.nanoTime() - t0) / 1e9);
    }
}
