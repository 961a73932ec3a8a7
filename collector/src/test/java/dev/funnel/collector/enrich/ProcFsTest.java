package dev.funnel.collector.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {
    @Test
    void readsALiveProcessAndRecognisesItByStartTime() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) sleep.pid();
            ProcFs proc = ProcFs.system();
            Thread.sleep(100); // let it exec
            assertEquals("/usr/bin/sleep", proc.exe(pid));
            assertEquals("sleep 30", proc.cmdline(pid));
            assertEquals("sleep", proc.comm(pid));
            long ticks = proc.startTicks(pid);
            assertTrue(ticks > 0);
            assertTrue(proc.sameProcess(pid, ticks * ProcFs.NS_PER_TICK + 5_000_000L), "same start tick");
            assertFalse(proc.sameProcess(pid, (ticks + 1) * ProcFs.NS_PER_TICK), "a reused PID starts later");
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void aVanishedProcessGivesNullsNotExceptions(@TempDir Path root) {
        ProcFs proc = new ProcFs(root);
        assertNull(proc.exe(4242));
        assertNull(proc.cmdline(4242));
        assertEquals(-1, proc.startTicks(4242));
        assertFalse(proc.sameProcess(4242, 0));
    }

    @Test
    void parsesStatWithSpacesAndParenthesesInComm(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("7"));
        Files.writeString(root.resolve("7/stat"),
                "7 (a (weird) name) S 1 7 7 0 -1 4194304 141 0 0 0 0 0 0 0 20 0 1 0 416995 2990080 416\n");
        Files.writeString(root.resolve("7/cmdline"), "python3\0-m\0http.server\0");
        Files.writeString(root.resolve("7/cgroup"), "1:cpu:/\n0::/system.slice/web.service\n");
        ProcFs proc = new ProcFs(root);
        assertEquals(416995, proc.startTicks(7));
        assertEquals("python3 -m http.server", proc.cmdline(7));
        assertEquals("/system.slice/web.service", proc.cgroupPath(7));
    }
}
