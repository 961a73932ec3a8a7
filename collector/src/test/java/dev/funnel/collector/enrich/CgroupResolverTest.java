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

    @Test
    void findsTheCgroupOfAProcessThatIsAlreadyGoneByScanning(@TempDir Path root) throws Exception {
        Path svc = Files.createDirectories(root.resolve("system.slice/web.service"));
        CgroupResolver r = new CgroupResolver(root, new ProcFs(root.resolve("no-proc")), 16);
        assertEquals("/system.slice/web.service", r.path(inode(svc), 999_999));
        assertNull(r.path(123_456_789L, 999_999), "unknown id, and no rescan within 5 s");
        assertEquals(1, r.scans());
    }
}
