package dev.funnel.collector.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * cgroup id (what the kernel records carry) to cgroup v2 path. The id is the inode number of
 * the cgroup's directory in the cgroup2 hierarchy, so a path found via /proc/<pid>/cgroup is
 * verified by its inode, and when the process is already gone the cgroup2 tree is scanned
 * (at most every 5 s): a cgroup usually outlives the processes in it. Only the cgroup2 mount
 * is used: on hybrid hosts the v1 hierarchies beside it reuse the same inode numbers.
 * In a container with a private cgroup namespace (Docker's default on cgroup v2 hosts), the
 * /proc paths of other processes are relative to the container's own cgroup ("/../x"): they are
 * translated through the host path of that cgroup, found once in the host tree's cgroup.procs
 * (the collector shares the host's PID namespace, so its own PID is listed there).
 * Bounded LRU; drain thread only.
 */
public final class CgroupResolver {
    private static final long RESCAN_NS = 5_000_000_000L;
    private static final int MAX_SCAN = 65_536;

    private final Path root;
    private final ProcFs proc;
    private final Lru<Long, String> byId;
    private long lastScan = System.nanoTime() - 2 * RESCAN_NS;
    private volatile long scans;
    /** Host path of this process's cgroup namespace root: null until needed, "" if not found. */
    private String namespaceRoot;

    public CgroupResolver(Path cgroupRoot, ProcFs proc, int capacity) {
        this.root = cgroupRoot;
        this.proc = proc;
        this.byId = new Lru<>(capacity);
    }

    /**
     * The resolver for the host's cgroup2 tree: at root (a container mounts the host's tree
     * somewhere, e.g. /host/sys/fs/cgroup, when its own cgroup namespace is private), else
     * where /proc/mounts says cgroup2 is. It resolves nothing if there is none.
     */
    public static CgroupResolver system(ProcFs proc, String root) {
        return new CgroupResolver(root.isEmpty() ? cgroup2Mount() : Path.of(root), proc, 4096);
    }

    /** Where cgroup2 is mounted: /sys/fs/cgroup on v2 hosts, often .../unified on hybrid ones. */
    public static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            // no /proc/mounts: nothing to resolve against
        }
        return null;
    }

    /** The path ("/system.slice/x.service") of cgroup id, as seen by pid; null if unknown. */
    public String path(long cgroupId, int pid) {
        String p = byId.get(cgroupId);
        if (p != null || cgroupId == 0 || root == null) {
            return p;
        }
        String viaProc = hostPath(proc.cgroupPath(pid));
        if (viaProc != null && inode(root.resolve(viaProc.substring(1))) == cgroupId) {
            byId.put(cgroupId, viaProc);
            return viaProc;
        }
        long now = System.nanoTime();
        if (now - lastScan >= RESCAN_NS) {
            lastScan = now;
            scan();
            return byId.get(cgroupId);
        }
        return null;
    }

    public long scans() {
        return scans;
    }

    /** A /proc cgroup path as a path in the host tree; null if this namespace's root is unknown. */
    private String hostPath(String viaProc) {
        if (viaProc == null || !viaProc.startsWith("/..")) {
            return viaProc;
        }
        if (namespaceRoot == null) {
            namespaceRoot = ownCgroup();
        }
        if (namespaceRoot.isEmpty()) {
            return null;
        }
        // Above the tree's root, normalize() stops at "/": the inode check then rejects the path.
        return Path.of(namespaceRoot).resolve(viaProc.substring(1)).normalize().toString();
    }

    /** The host path of the cgroup whose cgroup.procs lists this process, or "". */
    private String ownCgroup() {
        String self = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> dirs = cgroupDirs()) {
            return dirs.filter(d -> lists(d.resolve("cgroup.procs"), self)).findFirst().map(this::relative).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean lists(Path procs, String pid) {
        try {
            return Files.readAllLines(procs).contains(pid);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void scan() {
        scans++;
        try (Stream<Path> dirs = cgroupDirs()) {
            dirs.forEach(d -> {
                long ino = inode(d);
                if (ino > 0) {
                    byId.put(ino, relative(d));
                }
            });
        } catch (IOException | RuntimeException e) {
            // an unreadable or vanishing subtree: what was found is kept
        }
    }

    /** The tree's directories, from the first MAX_SCAN entries of a walk (the caller closes it). */
    private Stream<Path> cgroupDirs() throws IOException {
        return Files.walk(root).limit(MAX_SCAN).filter(Files::isDirectory);
    }

    /** "/system.slice/x.service" for a directory of the tree; "/" for its root. */
    private String relative(Path dir) {
        return "/" + root.relativize(dir);
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
