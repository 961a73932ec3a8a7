package dev.funnel.collector.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupResolverTest {
    static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Test
    void resolvesThisProcessesCgroupOnTheRealCgroup2Mount() throws Exception {
        Path mount = CgroupResolver.cgroup2Mount();
        Assumptions.assumeTrue(mount != null, "no cgroup2 mount on this host");
        ProcFs proc = ProcFs.system();
        int self = (int) ProcessHandle.current().pid();
        String path = proc.cgroupPath(self);
        long id = inode(path.equals("/") ? mount : mount.resolve(path.substring(1)));
        assertEquals(path, new CgroupResolver(mount, proc, 16).path(id, self));
    }

    /**
     * In a container with its own cgroup namespace, /proc shows other processes' cgroups
     * relative to the container's ("/../.."): they are placed through the container's host path,
     * found by the cgroup.procs that lists this process, without scanning for each new cgroup.
     */
    @Test
    void translatesPathsRelativeToAPrivateCgroupNamespace(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("host-cgroup");
        Path own = Files.createDirectories(root.resolve("system.slice/docker-abc.scope"));
        Files.writeString(own.resolve("cgroup.procs"), "1\n" + ProcessHandle.current().pid() + "\n");
        Path session = Files.createDirectories(root.resolve("user.slice/session-1.scope"));
        Path sibling = Files.createDirectories(root.resolve("system.slice/docker-def.scope"));
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/cgroup"), "0::/../../user.slice/session-1.scope\n");
        Files.createDirectories(proc.resolve("4243"));
        Files.writeString(proc.resolve("4243/cgroup"), "0::/../docker-def.scope\n");
        Files.createDirectories(proc.resolve("4244"));
        Files.writeString(proc.resolve("4244/cgroup"), "0::/../../../outside\n");

        CgroupResolver r = new CgroupResolver(root, new ProcFs(proc), 16);
        assertEquals("/user.slice/session-1.scope", r.path(inode(session), 4242));
        assertEquals("/system.slice/docker-def.scope", r.path(inode(sibling), 4243));
        assertEquals(0, r.scans(), "placed through /proc, no scan of the tree");
        assertNull(r.path(987_654_321L, 4244), "above the host tree: not placed (and the scan finds no such id)");
    }

    @Test
    void findsTheCgroupOfAProcessThatIsAlreadyGoneByScanning(@TempDir Path root) throws Exception {
        Path svc = Files.createDirectories(root.resolve("system.slice/web.service"));
        CgroupResolver r = new CgroupResolver(root, new ProcFs(root.resolve("no-proc")), 16);
        assertEquals("/system.slice/web.service", r.path(inode(svc), 999_999));
        assertNull(r.path(123_456_789L, 999_999), "unknown id, and no rescan within 5 s");
        assertEquals(1, r.scans());
    }
}
