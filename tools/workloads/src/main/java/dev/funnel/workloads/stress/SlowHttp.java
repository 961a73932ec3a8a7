package dev.funnel.workloads.stress;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 and a keep-alive client: fast requests answered at once and
 * slow ones answered after a delay. The kernel times each request on the server's socket.
 */
final class SlowHttp implements AutoCloseable {
    private final HttpServer server;

    SlowHttp(long slowMs) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // no Nagle stalls on fast answers
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            if (ex.getRequestURI().getPath().startsWith("/slow")) {
                try {
                    Thread.sleep(slowMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "ok\n".getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Sends fast requests and slow ones interleaved; returns the slow ones' count. */
    int drive(int fast, int slow) throws IOException {
        int every = Math.max(1, fast / Math.max(1, slow));
        int slowSent = 0;
        for (int i = 0; i < fast || slowSent < slow; i++) {
            boolean slowNow = slowSent < slow && (i % every == 0 || i >= fast);
            get(slowNow ? "/slow" : "/fast");
            if (slowNow) {
                slowSent++;
            }
        }
        return slowSent;
    }

    private void get(String path) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
