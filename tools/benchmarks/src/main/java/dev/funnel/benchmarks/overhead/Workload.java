package dev.funnel.benchmarks.overhead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workload nobody here wrote for the purpose, with the throughput figure it reports itself
 * (stress-ng's bogo ops per second, redis-benchmark's requests per second, wrk's requests per
 * second, files compiled per second). One run: start, let it run for the given seconds, parse.
 */
abstract class Workload {
    final String name;
    final String metric;
    /** The ratio (with the collector / alone) this workload must keep: issue 12's targets. */
    final double target;

    Workload(String name, String metric, double target) {
        this.name = name;
        this.metric = metric;
        this.target = target;
    }

    /** Starts what the workload needs (a server); called once before the pairs. */
    void setUp(Path work) throws Exception {}

    void tearDown() {}

    /** One measured run of about seconds; returns the throughput figure. */
    abstract double run(int seconds, Path work) throws Exception;

    /**
     * A server workload whose own count of work done can be read while its client runs without
     * a break (redis: commands processed). The bench then keeps the client running and switches
     * the collector on and off every second, so this machine's drift, which moves one 4 s run
     * against the next by several percent, hits both sides of a pair alike.
     */
    interface Steady {
        /** Starts the client; it runs until stopClient(). */
        void startClient() throws Exception;

        /** The server's own count so far. */
        long count() throws IOException;

        void stopClient();
    }

    /** Runs a command to its end (at most timeoutS), returns its stdout+stderr; fails with them on a bad exit. */
    static String exec(List<String> cmd, long timeoutS) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": still running after " + timeoutS + " s");
        }
        String text = new String(out);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }

    static double parse(String text, String regex, String what) throws IOException {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new IOException("no " + what + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** stress-ng with one instance of a stressor; the figure is bogo ops per second of real time. */
    static Workload stressNg(String stressor, double target) {
        return new Workload("stress-ng --" + stressor, "bogo ops/s", target) {
            @Override
            double run(int seconds, Path work) throws Exception {
                Path yaml = work.resolve("stress-" + stressor + ".yaml");
                Files.deleteIfExists(yaml);
                List<String> cmd = new ArrayList<>(List.of("stress-ng", "--" + stressor, "1", "-t", seconds + "s",
                        "--metrics-brief", "--yaml", yaml.toString(), "--temp-path", work.toString()));
                if (stressor.equals("open")) {
                    cmd.addAll(List.of("--open-max", "1024")); // a bounded fd table: far steadier run to run
                }
                exec(cmd, seconds + 60L);
                return parse(Files.readString(yaml), "bogo-ops-per-second-real-time:\\s*([0-9.]+)", "bogo ops/s");
            }
        };
    }

    /** redis-benchmark against a redis-server of its own: keep-alive SET/GET, or a new connection per PING. */
    static Workload redis(boolean keepAlive, double target) {
        String name = keepAlive ? "redis SET+GET keep-alive" : "redis PING new connection each";
        return new Redis(name, target, keepAlive);
    }

    /** redis-server and redis-benchmark; steady: redis's own count of commands processed (INFO stats). */
    private static final class Redis extends Workload implements Steady {
        private static final Pattern PROCESSED = Pattern.compile("total_commands_processed:(\\d+)");
        private final boolean keepAlive;
        private Process server;
        private Process client;
        private int port;

        Redis(String name, double target, boolean keepAlive) {
            super(name, "requests/s", target); // redis-benchmark's figure; steady: redis's own count
            this.keepAlive = keepAlive;
        }

        @Override
        void setUp(Path work) throws Exception {
            port = dev.funnel.embedded.Ports.free();
            server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", work.toString())
                    .redirectOutput(work.resolve("redis.log").toFile()).redirectErrorStream(true).start();
            for (int i = 0; i < 100 && !dev.funnel.embedded.Ports.listening(port); i++) {
                Thread.sleep(100);
            }
        }

        @Override
        void tearDown() {
            stopClient();
            if (server != null) {
                server.destroy();
            }
        }

        /** redis-benchmark's arguments for n requests (-l: loop until stopped). */
        private List<String> benchmark(String n, boolean loop) {
            List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-q", "--csv", "-n", n, "-c", "20", "-k",
                    keepAlive ? "1" : "0", "-t", keepAlive ? "set,get" : "ping_inline"));
            if (loop) {
                cmd.add("-l");
            }
            return cmd;
        }

        @Override
        double run(int seconds, Path work) throws Exception {
            // redis-benchmark counts requests, not time: about seconds' worth at this machine's
            // rate (keep-alive: two tests of ~40k requests/s; a new connection each: ~12-14k/s,
            // which 4,000 per second had cut to 1.4 s runs, too short to hold still).
            int n = keepAlive ? 40_000 * seconds : 12_000 * seconds;
            String out = exec(benchmark(Integer.toString(n), false), seconds * 20L + 60);
            Matcher m = Pattern.compile("^\"[A-Z_]+\",\"([0-9.]+)\"", Pattern.MULTILINE).matcher(out);
            double sum = 0;
            int tests = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
                tests++;
            }
            if (tests == 0) {
                throw new IOException("no requests/s in:\n" + out);
            }
            return sum / tests;
        }

        @Override
        public void startClient() throws IOException {
            client = new ProcessBuilder(benchmark("1000000000", true)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }

        @Override
        public long count() throws IOException {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.getOutputStream().write("INFO stats\r\n".getBytes());
                java.io.InputStream in = s.getInputStream();
                StringBuilder reply = new StringBuilder();
                byte[] buf = new byte[8192];
                // A bulk string: "$<length>\r\n<payload>\r\n"; the counter is in the payload's first lines.
                for (int r; (r = in.read(buf)) > 0; ) {
                    reply.append(new String(buf, 0, r));
                    Matcher m = PROCESSED.matcher(reply);
                    if (m.find() && reply.indexOf("\r\n", m.end()) >= 0) {
                        return Long.parseLong(m.group(1));
                    }
                }
                throw new IOException("no total_commands_processed in redis's INFO stats: " + reply);
            }
        }

        @Override
        public void stopClient() {
            if (client != null) {
                client.destroy();
                client = null;
            }
        }
    }

    /** wrk, one thread and 20 connections, against nginx serving a small static page. */
    static Workload wrk(double target) {
        return new Workload("wrk -> nginx", "requests/s", target) {
            private int port;
            private Path conf;

            @Override
            void setUp(Path work) throws Exception {
                port = dev.funnel.embedded.Ports.free();
                Path root = Files.createDirectories(work.resolve("www"));
                Files.writeString(root.resolve("index.html"), "<html><body>" + "funnel ".repeat(80) + "</body></html>\n");
                conf = work.resolve("nginx.conf");
                Files.writeString(conf, String.join("\n", "daemon on;", "worker_processes 1;",
                        "pid " + work.resolve("nginx.pid") + ";", "error_log " + work.resolve("nginx-error.log") + ";",
                        "events { worker_connections 1024; }",
                        "http { access_log off; server { listen 127.0.0.1:" + port + "; root " + root + "; } }", ""));
                exec(List.of("nginx", "-c", conf.toString(), "-p", work.toString()), 30);
            }

            @Override
            void tearDown() {
                try {
                    exec(List.of("nginx", "-c", conf.toString(), "-s", "quit"), 30);
                } catch (Exception e) {
                    System.err.println("host-overhead: stopping nginx: " + e.getMessage());
                }
            }

            @Override
            double run(int seconds, Path work) throws Exception {
                String out = exec(List.of("wrk", "-t1", "-c20", "-d" + seconds + "s",
                        "http://127.0.0.1:" + port + "/index.html"), seconds + 60L);
                return parse(out, "^Requests/sec:\\s*([0-9.]+)", "Requests/sec");
            }
        };
    }

    /**
     * A kernel-build-like mix: make -j2 compiling real C files with gcc -O2 (the collector's JNI
     * shim and the workload generator, copied), many short compiler processes, opens and execs.
     * The figure is files compiled per second; a run compiles as many rounds as fit in seconds.
     */
    static Workload build(List<Path> inputs, double target) {
        return new Workload("make -j2 (gcc -O2)", "files/s", target) {
            @Override
            double run(int seconds, Path work) throws Exception {
                Path dir = Files.createDirectories(work.resolve("build"));
                for (int i = 0; i < 8; i++) {
                    for (Path in : inputs) {
                        Files.copy(in, dir.resolve(i + "-" + in.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                String jdk = System.getProperty("java.home");
                Files.writeString(dir.resolve("Makefile"), String.join("\n", "OBJS := $(patsubst %.c,%.o,$(wildcard *.c))",
                        "all: $(OBJS)", "%.o: %.c", "\tgcc -O2 -c -I" + jdk + "/include -I" + jdk + "/include/linux $< -o $@",
                        "clean:", "\trm -f *.o", ""));
                long files = 0;
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                    exec(List.of("make", "-s", "-C", dir.toString(), "clean"), 60);
                    exec(List.of("make", "-s", "-j2", "-C", dir.toString()), 600);
                    files += inputs.size() * 8L;
                }
                return files / ((System.nanoTime() - t0) / 1e9);
            }
        };
    }
}
