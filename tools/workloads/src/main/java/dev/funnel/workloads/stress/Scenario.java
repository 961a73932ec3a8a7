package dev.funnel.workloads.stress;

import dev.funnel.workloads.ContainerScope;
import dev.funnel.workloads.Workloads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real workloads, each sized to trip one detector of the default rules by a clear margin.
 * Each returns a line saying what it did.
 */
public enum Scenario {
    FORK_STORM("fork-storm", "fork_storm (and sustained_fork_rate): one process forks 10,000 children") {
        @Override
        public String run() throws Exception {
            return Workloads.run("forks", "10000").report();
        }
    },
    JOB_FLOOD("job-flood", "short_lived_flood: 320 children in 2 s, each living 100 ms (~165 forks/s: no fork storm)") {
        @Override
        public String run() throws Exception {
            return Workloads.run("forks", "320", "100", "6").report();
        }
    },
    SLOW_HTTP("slow-http", "slow_requests: a local HTTP server answers 500 requests at once and 5 after 700 ms") {
        @Override
        public String run() throws Exception {
            try (SlowHttp http = new SlowHttp(700)) {
                int slow = http.drive(500, 5);
                return "http 500 fast + " + slow + " slow (700 ms) pid=" + ProcessHandle.current().pid();
            }
        }
    },
    FD_BURST("fd-burst", "fd_burst (off by default: rules fd_burst.enabled, collector fd.burst.hook): one process opens /dev/null 20,000 times") {
        @Override
        public String run() throws Exception {
            return Workloads.run("opens", "20000").report();
        }
    },
    HIGH_CPU("high-cpu", "high_cpu: a native worker burns one core in handle_batch() for 80 s, inside a cgroup v2"
            + " \"container\" (funnel-stress.slice/docker-<id>.scope; outside one without root)") {
        @Override
        public String run() throws Exception {
            List<String> cmd = List.of(Workloads.binary().toString(), "spin", "80");
            if (!"0".equals(uid())) {
                return Workloads.run("spin", "80").report() + " (not root: no container)";
            }
            try (ContainerScope scope = ContainerScope.create()) {
                Process p = scope.start(cmd);
                System.out.println("worker pid=" + p.pid() + " in container " + scope.id() + ", parent PID "
                        + ProcessHandle.current().pid() + "; the alert comes after the rule's 60 s window");
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("the worker failed: " + out);
                }
                return out + " container=" + scope.id();
            }
        }
    },
    CONNECT_BURST("connect-burst", "connection_burst: 500 TCP connects to one local listener") {
        @Override
        public String run() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
                Thread acceptor = new Thread(() -> {
                    while (!listener.isClosed()) {
                        try (Socket s = listener.accept()) {
                            // accepted and closed: the connect is what counts
                        } catch (IOException e) {
                            return;
                        }
                    }
                }, "stress-acceptor");
                acceptor.setDaemon(true);
                acceptor.start();
                return Workloads.run("connects", "127.0.0.1", Integer.toString(listener.getLocalPort()), "500").report();
            }
        }
    };

    public final String id;
    public final String description;

    Scenario(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** Runs the workload to its end; says what it did. */
    public abstract String run() throws Exception;

    private static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    public static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        return null;
    }
}
