package dev.funnel.benchmarks.fleet;

import dev.funnel.embedded.ChildProcess;
import dev.funnel.embedded.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A one-node ZooKeeper for Flink's high availability, started the way Flink's own
 * bin/start-zookeeper-quorum.sh starts one: FlinkZooKeeperQuorumPeer from flink-runtime, with
 * the ZooKeeper shaded into Flink's lib/. Its own process; its data (the job graph pointer and
 * the latest completed checkpoint of each job) stays in work/zookeeper.
 */
final class ZooKeeperServer implements AutoCloseable {
    /**
     * ZooKeeper's time unit (ms). Sessions may be as short as 2 ticks; Flink's session timeout
     * (below) decides how soon a killed JobManager's leadership lapses so a new one can take it.
     */
    static final int TICK_MS = 1_000;
    /** high-availability.zookeeper.client.session-timeout, ms: Flink's default is 60 s. */
    static final int SESSION_TIMEOUT_MS = 6_000;

    private final ChildProcess process;
    private final int port;

    private ZooKeeperServer(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static ZooKeeperServer start(Path lib, Path work) throws IOException {
        int port = Ports.free();
        Path cfg = work.resolve("conf/zoo.cfg");
        Files.createDirectories(cfg.getParent());
        Files.writeString(cfg, String.join("\n", "tickTime=" + TICK_MS, "initLimit=10", "syncLimit=5",
                "dataDir=" + work.resolve("zookeeper"), "clientPort=" + port, "clientPortAddress=127.0.0.1",
                "admin.enableServer=false", ""));
        List<String> cmd = List.of(FlinkJvm.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", lib + "/*",
                "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer", "--zkConfigFile", cfg.toString(), "--peerId", "1");
        ChildProcess zk = ChildProcess.start("zookeeper", cmd, Map.of(), work.resolve("zookeeper.log"));
        zk.awaitReady(() -> accepts(port), 60_000);
        return new ZooKeeperServer(zk, port);
    }

    /** host:port for high-availability.zookeeper.quorum. */
    String quorum() {
        return "127.0.0.1:" + port;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
