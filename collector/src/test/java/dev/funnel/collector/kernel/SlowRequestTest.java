package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.funnel.collector.bpf.KernelBtf;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.SendHook;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.pipeline.KernelSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed's example on real traffic: a real HTTP server answers 10,000 fast requests and 5
 * that take 600 ms, over keep-alive connections; exactly the 5 slow ones leave the kernel.
 */
@Timeout(300)
class SlowRequestTest {
    static final int FAST = 10_000;
    static final int SLOW = 5;
    static final long SLOW_MS = 600;

    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    /** Each send hook this kernel has (the TCP-only one needs 6.16; the other is the fallback). */
    static KernelConfig config(SendHook hook) {
        org.junit.jupiter.api.Assumptions.assumeTrue(hook != SendHook.TCP_SENDMSG || KernelBtf.hasTracepoint(hook.tracepoint()),
                "this kernel has no " + hook.tracepoint() + " tracepoint (6.16 and later)");
        // The server runs in this JVM, which the collector normally ignores: observe it here.
        return KernelConfig.builder().sensors(EnumSet.of(Sensor.SLOW_REQUEST)).ignoreTgid(0).sendHook(hook).build();
    }

    @ParameterizedTest
    @EnumSource(SendHook.class)
    void exactlyTheSlowRequestsCrossWithTheirDurations(SendHook hook) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                sleep(SLOW_MS);
            }
            byte[] body = "ok\n".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        int port = server.getAddress().getPort();

        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = config(hook);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> paths = new ArrayList<>(Collections.nCopies(FAST, "/fast"));
            for (int i = 0; i < SLOW; i++) {
                paths.add((i + 1) * FAST / (SLOW + 1), "/slow");
            }
            List<Future<Long>> answers = new ArrayList<>();
            for (String path : paths) {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
                answers.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    assertEquals(200, http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
                    return (System.nanoTime() - t0) / 1_000_000;
                }));
            }
            long slowestFastMs = 0;
            for (int i = 0; i < answers.size(); i++) {
                long ms = answers.get(i).get();
                if (paths.get(i).equals("/fast")) {
                    slowestFastMs = Math.max(slowestFastMs, ms);
                }
            }
            System.out.printf("slow requests: %d fast (slowest %d ms at the client) + %d slow served%n",
                    FAST, slowestFastMs, SLOW);
            KernelTests.await(() -> slow(seen, port).size() >= SLOW, 5_000);
            Thread.sleep(500); // anything extra would have arrived by now too
            List<KernelEvent.SlowRequest> slow = slow(seen, port);
            slow.forEach(s -> System.out.printf("  slow request %d ms from %s:%d on port %d (tid %d)%n",
                    s.durationNs() / 1_000_000, s.remoteAddress(), s.remotePort(), s.localPort(), s.header().tid()));
            assertEquals(SLOW, slow.size(), "exactly the slow requests cross the boundary");
            for (KernelEvent.SlowRequest s : slow) {
                long ms = s.durationNs() / 1_000_000;
                assertTrue(ms >= SLOW_MS && ms < SLOW_MS + 400, "duration " + ms + " ms");
                assertEquals(ProcessHandle.current().pid(), s.header().pid(), "attributed to the server process");
                assertEquals("127.0.0.1", s.remoteAddress());
            }
        } finally {
            clients.shutdownNow();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @Test
    void aLongPollServersPortIsNotTimed() throws Exception {
        // A long-poll server answers late on purpose (a Kafka broker holds empty fetches 500 ms).
        HttpServer server = slowServer();
        int port = server.getAddress().getPort();
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.SLOW_REQUEST)).ignoreTgid(0)
                .ignoredPorts(List.of(port)).build();
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/poll")).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            Thread.sleep(500);
            assertEquals(List.of(), slow(seen, port), "requests on an ignored port are never timed");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withTimedPortsSetOnlyThoseAreTimed() throws Exception {
        // slow.request.ports: a host that cares about one service's port spares every other
        // accepted connection its socket storage; the other server is just as slow, unseen.
        HttpServer timed = slowServer();
        HttpServer other = slowServer();
        int timedPort = timed.getAddress().getPort();
        int otherPort = other.getAddress().getPort();
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.SLOW_REQUEST)).ignoreTgid(0)
                .timedPorts(List.of(timedPort)).build();
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 2; i++) {
                for (int port : List.of(timedPort, otherPort)) {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
            KernelTests.await(() -> slow(seen, timedPort).size() >= 2, 5_000);
            Thread.sleep(500);
            assertEquals(2, slow(seen, timedPort).size(), "the timed port's slow requests cross");
            assertEquals(List.of(), slow(seen, otherPort), "a port not listed is never timed");
        } finally {
            timed.stop(0);
            other.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(SendHook.class)
    void aRequestIsTimedFromItsArrivalAndUnaskedDataNever(SendHook hook) throws Exception {
        // What the client waits for: a request that sat unread in the socket for SLOW_MS and
        // was then answered at once is slow. A server that pushes data nobody asked for (a
        // greeting, a stream), with the same pause, answers nothing and is never timed.
        try (ServerSocket queued = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                ServerSocket pushing = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
            try (KernelSource source = KernelSource.start(config(hook), seen::add, 100)) {
                Thread server = new Thread(() -> {
                    try (Socket q = queued.accept(); Socket p = pushing.accept()) {
                        sleep(SLOW_MS); // the request waits, unread
                        q.getInputStream().read(new byte[64]);
                        q.getOutputStream().write("answer\n".getBytes());
                        p.getOutputStream().write("hello\n".getBytes());
                        sleep(SLOW_MS);
                        p.getOutputStream().write("more\n".getBytes());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                server.start();
                try (Socket q = new Socket(queued.getInetAddress(), queued.getLocalPort());
                        Socket p = new Socket(pushing.getInetAddress(), pushing.getLocalPort())) {
                    q.getOutputStream().write("question\n".getBytes());
                    assertTrue(q.getInputStream().read(new byte[64]) > 0, "answered");
                    assertTrue(p.getInputStream().readNBytes(11).length == 11, "both pushes read");
                }
                server.join(10_000);
                KernelTests.await(() -> !slow(seen, queued.getLocalPort()).isEmpty(), 5_000);
                Thread.sleep(500);
                List<KernelEvent.SlowRequest> slow = slow(seen, queued.getLocalPort());
                assertEquals(1, slow.size(), "the request that waited unread is slow");
                long ms = slow.get(0).durationNs() / 1_000_000;
                assertTrue(ms >= SLOW_MS && ms < SLOW_MS + 400, "duration " + ms + " ms");
                assertEquals(List.of(), slow(seen, pushing.getLocalPort()), "data nobody asked for is never timed");
            }
        }
    }

    /** A server on a free local port that answers every request after SLOW_MS. */
    static HttpServer slowServer() throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            sleep(SLOW_MS);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    static List<KernelEvent.SlowRequest> slow(Queue<KernelEvent> seen, int port) {
        List<KernelEvent.SlowRequest> out = new ArrayList<>();
        for (KernelEvent e : seen) {
            if (e instanceof KernelEvent.SlowRequest s && s.localPort() == port) {
                out.add(s);
            }
        }
        return out;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
