package dev.funnel.collector.config;

import static dev.funnel.collector.config.ConfigKey.Kind.NON_NEGATIVE_INT;
import static dev.funnel.collector.config.ConfigKey.Kind.PORTS;
import static dev.funnel.collector.config.ConfigKey.Kind.POSITIVE_INT;
import static dev.funnel.collector.config.ConfigKey.Kind.POWER_OF_TWO;
import static dev.funnel.collector.config.ConfigKey.Kind.STRING;

import dev.funnel.collector.bpf.CpuSampling;
import dev.funnel.collector.bpf.FdBurstHook;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.enrich.CgroupResolver;
import dev.funnel.collector.remediate.Remediator;
import dev.funnel.collector.sink.KafkaSinkSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The collector's settings: a properties file ({@code --config}, documented key by key in
 * collector/funnel-collector.properties) plus {@code --set key=value} overrides. Every key is
 * declared in {@link #KEYS}; an unknown key or a bad value is an error that names it.
 */
public final class CollectorConfig {
    private static final List<String> SENSORS = Arrays.stream(Sensor.values())
            .filter(s -> s != Sensor.PROBE).map(Sensor::configName).toList();

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.choice("sink", "stdout", List.of("stdout", "kafka"),
                    "Where events go: stdout (JSON lines) or kafka."),
            ConfigKey.of("host.name", "", STRING, "Name this host reports; empty: the kernel's host name."),
            ConfigKey.list("sensors", String.join(",", SENSORS), SENSORS, "Program groups to load."),
            ConfigKey.choice("fd.burst.hook", "auto", List.of("auto", "fentry", "syscalls", "off"),
                    "How fd_burst hooks opens. auto: fexit/do_sys_openat2 where the kernel allows trampolines, else off."
                    + " syscalls: the open syscall tracepoints, which work everywhere but slow every syscall of the"
                    + " host while attached (measured: ~8% on getpid-class syscalls, bench/host-overhead.md)."),
            ConfigKey.of("ring.buffer.bytes", "8388608", POWER_OF_TWO, "BPF ring buffer size."),
            ConfigKey.of("wakeup.bytes", "65536", POWER_OF_TWO,
                    "The kernel wakes the drain thread each time this much more data is pending."),
            ConfigKey.of("poll.timeout.ms", "100", POSITIVE_INT,
                    "The drain thread looks at the ring at least this often (the latency floor)."),
            ConfigKey.of("bucket.ms", "1000", POSITIVE_INT, "Burst counting bucket in the kernel."),
            ConfigKey.of("flush.ms", "250", POSITIVE_INT,
                    "A hot key's counts leave the kernel this often (and a quiet key's within 1.25x this)."),
            ConfigKey.of("process.pre.threshold", "8", NON_NEGATIVE_INT,
                    "fork/exec/exit records per parent and bucket before they are aggregated."),
            ConfigKey.of("short.lived.ms", "2000", POSITIVE_INT, "A child exiting younger than this is short-lived."),
            ConfigKey.of("fd.pre.threshold", "64", NON_NEGATIVE_INT,
                    "Opens per process and bucket before counts leave the kernel."),
            ConfigKey.of("connect.pre.threshold", "16", NON_NEGATIVE_INT,
                    "Connects per process, destination and bucket before counts leave the kernel."),
            ConfigKey.of("slow.request.ms", "500", POSITIVE_INT, "Server requests slower than this leave the kernel (timed in kernel ticks, 4 ms at CONFIG_HZ=250)."),
            ConfigKey.of("slow.request.ignore.ports", "9092", PORTS,
                    "Local ports never timed (at most 8): long-poll servers answer late by design, e.g. Kafka."),
            ConfigKey.of("slow.request.ports", "", PORTS,
                    "If set, only these local ports are timed (at most 8); empty: every server port. Timing a"
                    + " connection costs socket storage allocated when it is accepted (about 1 us here) and a lookup"
                    + " on each of its sends; a connection not timed skips both, though each TCP send of the host"
                    + " still enters the hook (stress-ng --sock: 0.878 of its throughput timed, 0.922 not, 0.939"
                    + " with an empty program on the hook; bench/host-overhead.md, bench/hook-floor.sh)."),
            ConfigKey.of("cpu.sample.hz", "49", POSITIVE_INT,
                    "cpu_profile: on-CPU samples per second on each CPU (at most 1000); 49 is off-beat with 100/250/1000 Hz timers."),
            ConfigKey.of("cpu.interval.ms", "1000", POSITIVE_INT,
                    "cpu_profile: the kernel's sample counts are taken (and busy processes reported) this often; at least 100."),
            ConfigKey.of("cpu.report.percent", "20", POSITIVE_INT,
                    "cpu_profile: a process using at least this percent of one core in an interval is reported, with its busiest stacks."),
            ConfigKey.of("cpu.top.stacks", "5", POSITIVE_INT, "cpu_profile: stacks named per reported process, busiest first."),
            ConfigKey.of("cache.processes", "16384", POSITIVE_INT, "Processes whose context is remembered."),
            ConfigKey.of("cgroup.root", "", STRING,
                    "The host's cgroup2 tree; empty: where /proc/mounts says (set it in a container, e.g. /host/sys/fs/cgroup)."),
            ConfigKey.of("queue.max.events", "200000", POSITIVE_INT,
                    "Backlog between drain and Kafka; beyond it events are dropped and counted."),
            ConfigKey.of("kafka.bootstrap.servers", "localhost:9092", STRING, "Kafka brokers."),
            ConfigKey.of("kafka.topic", "funnel.events", STRING, "Topic for event batches."),
            ConfigKey.choice("kafka.compression", "zstd", List.of("none", "gzip", "snappy", "lz4", "zstd"),
                    "Producer compression."),
            ConfigKey.of("kafka.linger.ms", "500", NON_NEGATIVE_INT,
                    "How long a batch may wait to fill. A Kafka request costs the collector about what a thousand events do."),
            ConfigKey.of("kafka.batch.max.events", "5000", POSITIVE_INT, "Events per Kafka record at most."),
            ConfigKey.of("kafka.batch.max.bytes", "524288", POSITIVE_INT,
                    "A batch closes once its estimated size (uncompressed) reaches this: keep it under the broker's message.max.bytes (1 MiB by default)."),
            ConfigKey.of("kafka.heartbeat.ms", "500", POSITIVE_INT,
                    "A quiet host still sends an empty batch this often, so event time (and loss) keeps moving."),
            ConfigKey.of("kafka.delivery.timeout.ms", "120000", POSITIVE_INT,
                    "How long Kafka may keep retrying a batch before it counts as lost."),
            ConfigKey.of("kafka.buffer.bytes", "33554432", POSITIVE_INT,
                    "Producer memory for batches waiting on Kafka (part of the bounded backlog)."),
            ConfigKey.of("schema.registry.url", "http://localhost:8085/apis/ccompat/v7", STRING,
                    "Confluent-API schema registry."),
            ConfigKey.choice("remediation", "off", List.of("off", "on"),
                    "on: carry out this host's actions from the job (funnel.actions), after checking each target's identity"
                    + " through a pidfd. Needs sink=kafka, CAP_KILL for other users' processes and a writable cgroup tree"
                    + " for freeze/throttle. Dry-run actions are checked and reported, never carried out."),
            ConfigKey.of("remediation.actions.topic", "funnel.actions", STRING, "Where the job's action decisions are."),
            ConfigKey.of("remediation.audit.topic", "funnel.actions.audit", STRING, "Where each action's outcome goes."),
            ConfigKey.of("remediation.protect.exe", "", STRING,
                    "Executables never touched on this host, comma-separated (the job's rules.yaml protects more)."),
            ConfigKey.of("remediation.protect.cmdline",
                    "org.apache.flink.runtime,org.apache.flink.client,kafka.Kafka,dev.funnel.", STRING,
                    "Command-line substrings never touched, comma-separated: the JVMs of Flink, Kafka and Funnel."),
            ConfigKey.of("metrics.port", "9464", NON_NEGATIVE_INT, "Prometheus endpoint port; 0 turns it off."),
            ConfigKey.of("metrics.address", "127.0.0.1", STRING, "Address the metrics endpoint binds to."),
            ConfigKey.of("probe.pid", "0", NON_NEGATIVE_INT,
                    "Benchmarks only: one record per getppid() call of this PID (the probe sensor); 0: off."));

    private final Map<String, String> values;

    private CollectorConfig(Map<String, String> values) {
        this.values = values;
    }

    public static CollectorConfig defaults() {
        return of(null, Map.of());
    }

    /** Reads file (if any), then applies overrides; validates every key and value. */
    public static CollectorConfig of(Path file, Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>();
        for (ConfigKey k : KEYS) {
            v.put(k.name(), k.defaultValue());
        }
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
            }
            for (String name : new TreeSet<>(p.stringPropertyNames())) {
                put(v, name, p.getProperty(name), "in " + file);
            }
        }
        overrides.forEach((name, value) -> put(v, name, value, "in --set"));
        if (v.get("remediation").equals("on") && !v.get("sink").equals("kafka")) {
            throw new ConfigException("bad value for 'remediation': on needs sink=kafka (actions come from Kafka)");
        }
        return new CollectorConfig(v);
    }

    private static void put(Map<String, String> v, String name, String value, String where) {
        ConfigKey key = KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow(() ->
                new ConfigException("unknown config key '" + name + "' " + where + " (known keys: "
                        + String.join(", ", KEYS.stream().map(ConfigKey::name).toList()) + ")"));
        String problem = key.problem(value);
        if (problem != null) {
            throw new ConfigException("bad value for '" + name + "' " + where + ": " + problem);
        }
        v.put(name, value.trim());
    }

    public String string(String key) {
        String s = values.get(key);
        if (s == null) {
            throw new IllegalArgumentException("undeclared key " + key);
        }
        return s;
    }

    public int integer(String key) {
        return Integer.parseInt(string(key));
    }

    public long millisAsNanos(String key) {
        return Long.parseLong(string(key)) * 1_000_000L;
    }

    /** A comma-separated list of ports; empty for none. */
    public List<Integer> ports(String key) {
        return Arrays.stream(string(key).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).toList();
    }

    /** The configured sensors, and the probe when probe.pid names a process. */
    public Set<Sensor> sensors() {
        EnumSet<Sensor> s = EnumSet.noneOf(Sensor.class);
        if (integer("probe.pid") > 0) {
            s.add(Sensor.PROBE);
        }
        for (String name : string("sensors").split(",")) {
            if (!name.isBlank()) {
                s.add(Sensor.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return s;
    }

    /** The kernel stage's part of the settings. */
    public KernelConfig kernel() {
        return KernelConfig.builder()
                .ringBytes(integer("ring.buffer.bytes"))
                .wakeupBytes(integer("wakeup.bytes"))
                .bucketNs(millisAsNanos("bucket.ms"))
                .flushNs(millisAsNanos("flush.ms"))
                .procPreThreshold(integer("process.pre.threshold"))
                .shortLivedNs(millisAsNanos("short.lived.ms"))
                .fdPreThreshold(integer("fd.pre.threshold"))
                .connectPreThreshold(integer("connect.pre.threshold"))
                .slowRequestNs(millisAsNanos("slow.request.ms"))
                .ignoredPorts(ports("slow.request.ignore.ports"))
                .timedPorts(ports("slow.request.ports"))
                .sensors(sensors())
                .fdBurstHook(FdBurstHook.of(string("fd.burst.hook")))
                .probeTgid(integer("probe.pid"))
                .cpuSampling(cpuSampling())
                .build();
    }

    private CpuSampling cpuSampling() {
        int hz = integer("cpu.sample.hz");
        if (hz > 1000) {
            throw new ConfigException("bad value for 'cpu.sample.hz': " + hz + " is above 1000 samples per second");
        }
        if (integer("cpu.interval.ms") < 100) {
            throw new ConfigException("bad value for 'cpu.interval.ms': " + integer("cpu.interval.ms") + " is below 100");
        }
        return new CpuSampling(hz, millisAsNanos("cpu.interval.ms"), integer("cpu.report.percent") / 100.0,
                integer("cpu.top.stacks"));
    }

    /** The Kafka sink's part of the settings. */
    public KafkaSinkSettings kafkaSink() {
        return new KafkaSinkSettings(string("kafka.bootstrap.servers"), string("kafka.topic"),
                string("schema.registry.url"), string("kafka.compression"), millisAsNanos("kafka.linger.ms"),
                millisAsNanos("kafka.heartbeat.ms"), integer("kafka.batch.max.events"),
                integer("kafka.batch.max.bytes"), integer("kafka.buffer.bytes"),
                integer("kafka.delivery.timeout.ms"));
    }

    /** The remediation loop's settings (remediation=on, checked to come with sink=kafka). */
    public Remediator.Settings remediation() {
        String root = string("cgroup.root");
        return new Remediator.Settings(string("kafka.bootstrap.servers"), string("schema.registry.url"),
                string("remediation.actions.topic"), string("remediation.audit.topic"),
                Set.copyOf(commaList("remediation.protect.exe")), commaList("remediation.protect.cmdline"),
                root.isEmpty() ? CgroupResolver.cgroup2Mount() : Path.of(root));
    }

    private List<String> commaList(String key) {
        return Arrays.stream(string(key).split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }
}
