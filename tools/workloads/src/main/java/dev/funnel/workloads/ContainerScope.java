package dev.funnel.workloads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cgroup v2 directory named the way Docker names a container's scope
 * (funnel-stress.slice/docker-ID.scope, ID 64 hex digits), so a workload started in it looks
 * like a container to Funnel's enrichment, without a container runtime. Needs root (it writes
 * the cgroup tree). close() kills what is still in it and removes the directories.
 */
public final class ContainerScope implements AutoCloseable {
    private final Path slice;
    private final Path dir;
    private final String id;

    private ContainerScope(Path slice, Path dir, String id) {
        this.slice = slice;
        this.dir = dir;
        this.id = id;
    }

    /** A new scope with a random id under the host's cgroup2 mount. */
    public static ContainerScope create() throws IOException {
        Path root = cgroup2Root();
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        Path slice = root.resolve("funnel-stress.slice");
        Path dir = slice.resolve("docker-" + id + ".scope");
        Files.createDirectories(dir);
        return new ContainerScope(slice, dir, id);
    }

    /** Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts). */
    static Path cgroup2Root() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return Path.of(f[1]);
            }
        }
        throw new IOException("no cgroup2 mount in /proc/mounts: cannot make a container scope");
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    /** Starts cmd inside the scope: a shell moves itself in, then execs cmd (same PID). */
    public Process start(List<String> cmd) throws IOException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
        argv.addAll(cmd);
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    /** Kills whatever is still in the scope, then removes it (and the slice when empty). */
    @Override
    public void close() throws IOException {
        Path procs = dir.resolve("cgroup.procs");
        for (int attempt = 0; attempt < 50 && Files.exists(procs); attempt++) {
            List<String> pids = Files.readAllLines(procs);
            if (pids.isEmpty()) {
                break;
            }
            pids.forEach(p -> ProcessHandle.of(Long.parseLong(p.trim())).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Files.deleteIfExists(dir);
        try {
            Files.deleteIfExists(slice);
        } catch (IOException notEmpty) {
            // another scope is still there
        }
    }
}
