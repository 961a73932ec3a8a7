package dev.funnel.benchmarks.fleet;

import dev.funnel.embedded.ChildProcess;
import dev.funnel.embedded.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Flink session cluster, the way bin/start-cluster.sh starts one, from the jars in
 * flink-dist/target/flink/lib: one JobManager and one TaskManager process, a conf/config.yaml,
 * memory flags computed by Flink's own BashJavaUtils. submit() is {@code flink run -d}.
 *
 * <p>With high availability, as a standalone cluster needs it to survive its JobManager: a
 * ZooKeeper (its own process) elects the leader and keeps where each job's graph and latest
 * completed checkpoint are; the graphs and checkpoint metadata themselves are files under
 * work/ha and work/checkpoints. A JobManager killed with -9 and started again (a supervisor's
 * job) takes the leadership back once the dead one's ZooKeeper session lapses and restores every
 * job from its latest checkpoint. Without HA, the same kill loses every running job.
 */
final class FlinkCluster implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path lib;
    private final Path conf;
    private final Path work;
    private final int restPort;
    private final int rpcPort = Ports.free();
    private ZooKeeperServer zookeeper;
    private ChildProcess jobManager;
    private ChildProcess taskManager;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FlinkCluster(Path lib, Path work, int restPort) {
        this.lib = lib;
        this.work = work;
        this.conf = work.resolve("conf");
        this.restPort = restPort;
    }

    static FlinkCluster start(Path lib, Path work, int restPort) throws IOException {
        if (!Files.isDirectory(lib)) {
            throw new IOException("no Flink lib/ at " + lib + " (mvn install builds flink-dist/target/flink/lib)");
        }
        FlinkCluster c = new FlinkCluster(lib, work, restPort == 0 ? Ports.free() : restPort);
        try {
            c.zookeeper = ZooKeeperServer.start(lib, work);
            c.writeConf();
            c.jobManager = c.launchJobManager();
            c.taskManager = c.launchTaskManager();
            c.taskManager.awaitReady(() -> c.rest("/overview").contains("\"taskmanagers\":1"), 120_000);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void writeConf() throws IOException {
        Files.createDirectories(conf);
        String opens = String.join(" ", FlinkJvm.OPENS);
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "env: {java: {opts: {all: \"" + opens + "\"}}}",
                "jobmanager: {bind-host: localhost, rpc: {address: localhost, port: " + rpcPort + "},"
                        + " memory: {process: {size: 768m}}}",
                "taskmanager: {bind-host: localhost, host: localhost, numberOfTaskSlots: 2,"
                        + " memory: {process: {size: 1280m}, managed: {size: 64m}}}",
                "parallelism: {default: 1}",
                // A TaskManager killed with -9 is declared lost after the heartbeat timeout (default
                // 50 s); 2 s heartbeats and a 10 s timeout restart the job on a new one sooner.
                "heartbeat: {interval: 2000, timeout: 10000}",
                // What a standalone cluster needs to outlive its JobManager (see the class comment):
                // a leader election and job store (ZooKeeper), durable storage for job graphs and
                // checkpoint metadata, and the RPC port fixed (HA mode otherwise picks a random one).
                "high-availability: {type: zookeeper, storageDir: \"" + work.resolve("ha").toUri() + "\","
                        + " cluster-id: /funnel-fleet, jobmanager: {port: " + rpcPort + "},"
                        + " zookeeper: {quorum: \"" + zookeeper.quorum() + "\", path: {root: /flink},"
                        + " client: {session-timeout: " + ZooKeeperServer.SESSION_TIMEOUT_MS + "}}}",
                // No Kerberos here: without this the ZooKeeper client tries SASL first and logs a failure.
                "zookeeper: {sasl: {disable: true}}",
                "execution: {checkpointing: {dir: \"" + work.resolve("checkpoints").toUri() + "\"}}",
                "rest: {address: localhost, bind-address: localhost, port: " + restPort + "}",
                "io: {tmp: {dirs: " + work.resolve("tmp") + "}}", ""));
        String log4j = String.join("\n", "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File", "appender.file.name = file", "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout", "appender.file.layout.pattern = %d %-5p %c - %m%n",
                "logger.yarn.name = org.apache.flink.yarn", "logger.yarn.level = ERROR", "");
        Files.writeString(conf.resolve("log4j.properties"), log4j);
        Files.writeString(conf.resolve("log4j-cli.properties"), log4j);
        Files.createDirectories(work.resolve("tmp"));
    }

    private ChildProcess launchJobManager() throws IOException {
        return launch("jobmanager", "GET_JM_RESOURCE_PARAMS", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    }

    private ChildProcess launchTaskManager() throws IOException {
        return launch("taskmanager", "GET_TM_RESOURCE_PARAMS", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
    }

    /** kill -9 of the TaskManager, as a crash or the OOM killer would end it. */
    void killTaskManager() {
        taskManager.kill();
    }

    /**
     * A new TaskManager in the dead one's place, as a supervisor (systemd, Kubernetes) starts one:
     * the JobManager restarts the job on it from its last checkpoint.
     */
    void replaceTaskManager() throws IOException {
        taskManager.close();
        taskManager = launchTaskManager();
    }

    /** kill -9 of the JobManager: its jobs live on only through high availability. */
    void killJobManager() {
        jobManager.kill();
    }

    /**
     * A new JobManager in the dead one's place, at the same ports: it becomes leader when the dead
     * one's ZooKeeper session lapses, recovers the job graphs, and the TaskManager registers with it.
     */
    void replaceJobManager() throws IOException {
        jobManager.close();
        jobManager = launchJobManager();
    }

    /** Starts one Flink process with the memory flags BashJavaUtils computes from config.yaml. */
    private ChildProcess launch(String name, String paramsCommand, String mainClass) throws IOException {
        List<String> params = bashJavaUtils(paramsCommand);
        List<String> cmd = new ArrayList<>();
        cmd.add(FlinkJvm.java());
        cmd.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
        cmd.addAll(FlinkJvm.OPENS);
        cmd.add("-Dlog.file=" + work.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        cmd.addAll(List.of("-cp", lib + "/*", mainClass, "--configDir", conf.toString()));
        cmd.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
        return ChildProcess.start("flink " + name, cmd, Map.of("FLINK_CONF_DIR", conf.toString()),
                work.resolve(name + ".out"));
    }

    private List<String> bashJavaUtils(String command) throws IOException {
        String out = runToEnd(List.of(FlinkJvm.java(), "-cp", lib + "/*", "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command, "--configDir", conf.toString()), Map.of());
        List<String> results = out.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.size() != 2) {
            throw new IOException("BashJavaUtils " + command + " said: " + out);
        }
        return results;
    }

    /** {@code flink run -d jar args}: submits detached, returns the job id. */
    String submit(Path jar, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(FlinkJvm.java()));
        cmd.addAll(FlinkJvm.OPENS);
        cmd.addAll(List.of("-Dlog.file=" + work.resolve("client.log"),
                "-Dlog4j.configurationFile=file:" + conf.resolve("log4j-cli.properties"),
                "-cp", lib + "/*", "org.apache.flink.client.cli.CliFrontend", "run", "-d", jar.toString()));
        cmd.addAll(args);
        String out = runToEnd(cmd, Map.of("FLINK_CONF_DIR", conf.toString()));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IOException("flink run did not submit the job: " + out);
        }
        return m.group(1);
    }

    /** The JobManager's RPC port (Pekko: messages, not request and answer). */
    int rpcPort() {
        return rpcPort;
    }

    String webUrl() {
        return "http://localhost:" + restPort;
    }

    /** GET on the REST API; "" when it does not answer (yet). */
    String rest(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(webUrl() + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** When the job was last restored from a checkpoint (ms since the epoch), or -1 if never. */
    long lastRestoreMs(String jobId) {
        Matcher m = Pattern.compile("\"restored\":\\{[^}]*\"restore_timestamp\":(\\d+)").matcher(rest("/jobs/" + jobId + "/checkpoints"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String jobState(String jobId) {
        Matcher m = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(rest("/jobs/" + jobId));
        return m.find() ? m.group(1) : "UNKNOWN";
    }

    /**
     * Whether every operator of the job runs. A restarted job is RUNNING as soon as it is
     * scheduled again; its tasks wait for a TaskManager (a replaced one registers seconds later)
     * and only then read anything.
     */
    boolean tasksRunning(String jobId) {
        Matcher m = Pattern.compile("\"status\":\"([A-Z_]+)\"").matcher(rest("/jobs/" + jobId));
        int vertices = 0;
        while (m.find()) {
            if (!m.group(1).equals("RUNNING")) {
                return false;
            }
            vertices++;
        }
        return vertices > 0;
    }

    private static String runToEnd(List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        return out;
    }

    @Override
    public void close() {
        Parts.closeAll("Flink", taskManager, jobManager, zookeeper);
    }
}
