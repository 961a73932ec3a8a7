package dev.funnel.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka 4.2 broker in KRaft mode (one combined broker+controller node), in this JVM,
 * on a loopback port. It can be stopped and started again on the same port and log directory,
 * which is how tests take Kafka away from a running collector.
 *
 * <p>Threading: start/stop/close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final boolean deleteOnClose;
    private KafkaRaftServer server;

    private EmbeddedKafka(int port, int controllerPort, Path logDir, boolean deleteOnClose) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** Formats a fresh log directory and starts the broker; port 0 picks a free one. */
    public static EmbeddedKafka start(int port) {
        try {
            Path dir = Files.createTempDirectory("funnel-kafka-");
            EmbeddedKafka k = new EmbeddedKafka(port == 0 ? Ports.free() : port, Ports.free(), dir, true);
            k.format();
            k.startServer();
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker whose data outlives it: dir is formatted the first time only, and stays
     * after close(), so a broker started again at the same ports and dir is the same broker
     * restarted, with its topics, offsets and transactions (a fault test's "broker back").
     */
    public static EmbeddedKafka startAt(int port, int controllerPort, Path dir) {
        try {
            Files.createDirectories(dir);
            EmbeddedKafka k = new EmbeddedKafka(port, controllerPort, dir, false);
            if (!Files.exists(dir.resolve("meta.properties"))) {
                k.format(); // a new cluster id: only the first time, or the restart would refuse the data
            }
            k.startServer();
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    private Map<String, String> config() {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // One node: every internal topic with one replica, or consumer groups and
                // transactions wait forever for replicas that will never exist.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("num.partitions", "2"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("log.flush.interval.messages", "100000"));
    }

    private void format() throws IOException {
        Path props = logDir.resolve("server.properties");
        Properties p = new Properties();
        p.putAll(config());
        try (var w = Files.newBufferedWriter(props)) {
            p.store(w, "funnel embedded kafka");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                props.toString(), "--ignore-formatted"}, new PrintStream(out, true));
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed: " + out);
        }
    }

    private void startServer() {
        Ports.requireFree(port, "the Kafka broker");
        server = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
        server.startup();
        awaitReady(TimeUnit.SECONDS.toMillis(60));
    }

    private void awaitReady(long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        RuntimeException last = null;
        while (System.currentTimeMillis() < end) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("Kafka on port " + port + " not ready after " + timeoutMs + " ms", last);
    }

    /** Stops the broker; its data stays for {@link #restart}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker again on the same port and data. */
    public synchronized void restart() {
        if (server == null) {
            startServer();
        }
    }

    public boolean running() {
        return server != null;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
    }

    /** Creates topics (single replica) unless they exist. */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, List.of(names));
    }

    public void createTopics(int partitions, Collection<String> names) {
        try (Admin admin = admin()) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("create topic " + name, e.getCause());
                    }
                }
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        if (deleteOnClose) {
            Files2.deleteTree(logDir);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
