package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connect bursts on the real kernel, through the one TCP state program: 300 connects to one
 * listener cross as a few aggregated counts that add up to all 300, with the destination;
 * the server half of the program stays off without slow_request.
 */
@Timeout(120)
class ConnectBurstTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void threeHundredConnectsCrossAsCountsThatAddUp() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.CONNECT_BURST)).ignoreTgid(0).build();
        long pid;
        try (ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
                var source = dev.funnel.collector.pipeline.KernelSource.start(config, seen::add, 100)) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        // accepted and closed: the connect is what counts
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.start();
            pid = KernelTests.runWorkload("connects", "127.0.0.1", Integer.toString(listener.getLocalPort()), "300");
            // A key's first connects are held in the kernel until it passes the pre-threshold (a key
            // that never does is filtered out); then they leave with the rest, so all 300 add up.
            long expected = 300;
            assertTrue(KernelTests.await(() -> connects(seen, pid) == expected, 10_000),
                    "connects counted " + connects(seen, pid) + ", expected " + expected);
            assertTrue(source.hooks().contains("connect_burst"), source.hooks().toString());
        }
        List<KernelEvent.Burst> bursts = seen.stream().filter(e -> e instanceof KernelEvent.Burst b
                && b.kind() == KernelEvent.BurstKind.CONNECT && b.header().pid() == pid).map(e -> (KernelEvent.Burst) e).toList();
        assertTrue(bursts.stream().allMatch(b -> b.destination().equals("127.0.0.1")), bursts.toString());
        assertTrue(bursts.size() < 20, "aggregated, not one record per connect: " + bursts.size());
        assertEquals(0, seen.stream().filter(e -> e instanceof KernelEvent.SlowRequest).count());
    }

    static long connects(Queue<KernelEvent> seen, long pid) {
        return seen.stream().filter(e -> e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.CONNECT
                && b.header().pid() == pid).mapToLong(e -> ((KernelEvent.Burst) e).count()).sum();
    }
}
