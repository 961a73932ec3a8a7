package dev.funnel.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The native workload generator, funnel-workload (src/main/c/funnel_workload.c): real forks,
 * opens, connects and probe calls in exactly known numbers, so a test can compare what Funnel
 * reports with what happened. Its usage is at the top of the C file.
 */
public final class Workloads {
    private static final String RESOURCE = "/dev/funnel/workloads/funnel-workload";
    private static Path binary;

    private Workloads() {}

    /** The executable, extracted from the jar once per JVM (or used in place from a build). */
    public static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        try {
            var url = Workloads.class.getResource(RESOURCE);
            if (url == null) {
                throw new IOException("funnel-workload is not on the classpath at " + RESOURCE
                        + " (the tools/workloads build makes it; run bin/funnel build)");
            }
            if (url.getProtocol().equals("file") && Files.isExecutable(Path.of(url.toURI()))) {
                return binary = Path.of(url.toURI());
            }
            Path dir = Files.createTempDirectory("funnel-workload-");
            dir.toFile().deleteOnExit();
            Path target = dir.resolve("funnel-workload");
            try (InputStream in = Workloads.class.getResourceAsStream(RESOURCE)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            target.toFile().deleteOnExit();
            return binary = target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a run did: its one-line report ("forks 10000 812 pid=1234") and the process id. */
    public record Result(String report, long pid) {}

    /** Runs funnel-workload with args to its end; fails with its output when it fails. */
    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IOException("funnel-workload " + String.join(" ", args) + " failed: " + out);
        }
        return new Result(out, p.pid());
    }
}
