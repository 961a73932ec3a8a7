package dev.funnel.benchmarks;

import dev.funnel.benchmarks.fleet.KafkaServerMain;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.job.FunnelJob;
import dev.funnel.job.JobOptions;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.detect.Detectors;
import dev.funnel.workloads.synthetic.SyntheticEvents;
import dev.funnel.job.source.FlattenBatches;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireEncoder;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * bench/job.sh: events per second per core of the detection job with every detector on, read
 * from a pre-filled topic, against a pass-through job (source, decode and flatten, discard: the
 * q0 of Nexmark) over the same records in the same run. The broker and the registry are their
 * own processes, so this JVM's CPU time is Flink's (the job's tasks, the Kafka consumer, the
 * transactional alert sink, checkpoints every 10 s). Each job's fixed cost (mini cluster
 * start, first fetches, shutdown) is measured on an empty topic and subtracted.
 *
 * <pre>JobBench OUT.csv EVENTS ROUNDS PARALLELISM...</pre> Each figure is the median of ROUNDS runs.
 */
public final class JobBench {
    static final int HOSTS = 20;
    static final int PROCESSES_PER_HOST = 500;
    static final int EVENTS_PER_SECOND = 50_000; // of event time, across all hosts
    static final int BATCH = 1000;

    private JobBench() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        int events = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("funnel-job-bench-");
        KafkaServerMain.Child kafka = KafkaServerMain.launch(work);
        try (EmbeddedRegistry registry = EmbeddedRegistry.start(0, work)) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("bench.events", 2, (short) 1), new NewTopic("bench.empty", 2, (short) 1),
                        new NewTopic("bench.alerts", 1, (short) 1), new NewTopic("bench.dlq", 1, (short) 1)))
                        .all().get();
            }
            System.err.printf("job bench: writing %,d events (%d hosts, %d processes each) ...%n", events, HOSTS,
                    PROCESSES_PER_HOST);
            int storms = prefill(bootstrap, registry.url(), events);
            List<String> lines = new ArrayList<>(List.of(
                    "job,parallelism,events,wall_s,cpu_s,events_per_s,events_per_cpu_s,fixed_wall_s,fixed_cpu_s"));
            System.out.printf("%-12s %3s %10s %8s %8s %12s %16s%n", "job", "p", "events", "wall s", "CPU s", "events/s",
                    "events/CPU-s");
            for (int i = 3; i < args.length; i++) {
                int p = Integer.parseInt(args[i]);
                for (boolean detectors : new boolean[] {false, true}) {
                    String name = detectors ? "detectors" : "pass-through";
                    Run fixed = run(bootstrap, registry.url(), "bench.empty", p, detectors, name + "-empty-" + p);
                    List<Run> runs = new ArrayList<>();
                    for (int round = 1; round <= rounds; round++) {
                        runs.add(run(bootstrap, registry.url(), "bench.events", p, detectors, name + "-" + p + "-" + round));
                    }
                    runs.sort(java.util.Comparator.comparingDouble(Run::cpuS));
                    Run r = runs.get(runs.size() / 2); // the median by CPU time
                    double wall = r.wallS - fixed.wallS;
                    double cpu = r.cpuS - fixed.cpuS;
                    System.out.printf("%-12s %3d %,10d %8.1f %8.1f %,12.0f %,16.0f%n", name, p, events, wall, cpu,
                            events / wall, events / cpu);
                    lines.add(String.format("%s,%d,%d,%.2f,%.2f,%.0f,%.0f,%.2f,%.2f", name, p, events, wall, cpu,
                            events / wall, events / cpu, fixed.wallS, fixed.cpuS));
                }
            }
            Map<String, Integer> alerts = alertsByDetector(bootstrap, registry.url());
            System.err.printf("job bench: the data holds %d fork storms; the detectors job%s raised %s%n", storms,
                    args.length > 4 || rounds > 1 ? "s" : "", alerts);
            Files.write(csv, lines);
            Files.writeString(Path.of(csv + ".alerts"), String.format("The data holds %d fork storms; the detectors"
                    + " job runs raised, all together: %s.%n", storms, alerts));
        } finally {
            kafka.process().close();
        }
    }

    record Run(double wallS, double cpuS) {}

    /** The committed alerts on bench.alerts, counted per detector (every run writes there). */
    static Map<String, Integer> alertsByDetector(String bootstrap, String registryUrl) throws Exception {
        Map<String, Integer> count = new java.util.TreeMap<>();
        var decoder = dev.funnel.schema.wire.WireDecoder.of(dev.funnel.schema.Alert.class, new SchemaRegistry(registryUrl));
        Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                "enable.auto.commit", false);
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(c,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var tp = new org.apache.kafka.common.TopicPartition("bench.alerts", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int empty = 0;
            while (empty < 3) {
                var records = consumer.poll(java.time.Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (var r : records) {
                    count.merge(decoder.decode(r.value()).getDetector(), 1, Integer::sum);
                }
            }
        }
        return count;
    }

    static Run run(String bootstrap, String registry, String topic, int parallelism, boolean detectors, String id)
            throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("bootstrap-servers", bootstrap);
        o.put("schema-registry", registry);
        o.put("events-topic", topic);
        o.put("alerts-topic", "bench.alerts");
        o.put("dead-letter-topic", "bench.dlq");
        o.put("group-id", id);
        o.put("transactional-id-prefix", id);
        o.put("starting-offsets", "earliest");
        o.put("bounded", "true");
        o.put("parallelism", Integer.toString(parallelism));
        o.put("job-name", id);
        o.put("checkpoint-dir", Files.createTempDirectory("funnel-bench-checkpoints-").toUri().toString());
        JobOptions options = JobOptions.of(o);
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        if (detectors) {
            FunnelJob.build(env, options);
        } else {
            env.setParallelism(parallelism);
            env.getConfig().enableObjectReuse();
            env.fromSource(FunnelJob.source(options), FunnelJob.watermarks(Detectors.defaultRules()), topic).uid("source")
                    .transform("flatten batches", Types.POJO(EventRecord.class), new FlattenBatches())
                    .sinkTo(new DiscardingSink<>());
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        env.execute(id);
        return new Run((System.nanoTime() - t0) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9);
    }

    /**
     * What collectors on HOSTS busy hosts send after the kernel's filtering: mostly process
     * lifecycle (fork, exec, exit; a third of the children short-lived), some fd and connect
     * bursts and slow requests, and every 10 s of event time one host's fork storm (kernel
     * bursts) whose children die young. Returns the number of storms.
     */
    static int prefill(String bootstrap, String registryUrl, int total) throws Exception {
        int id = new SchemaRegistry(registryUrl).register(Topics.valueSubject("bench.events"), EventBatch.getClassSchema());
        WireEncoder<EventBatch> encoder = new WireEncoder<>(EventBatch.class, id);
        long epoch = System.currentTimeMillis() * 1_000_000L - (long) total * 1_000_000_000L / EVENTS_PER_SECOND;
        List<SyntheticEvents> hosts = new ArrayList<>();
        List<List<Event>> pending = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            hosts.add(new SyntheticEvents("bench-" + h, epoch));
            pending.add(new ArrayList<>());
        }
        Random rnd = new Random(42);
        int storms = 0;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("compression.type", "zstd");
        p.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < total; i++) {
                double ms = i * 1000.0 / EVENTS_PER_SECOND;
                int h = rnd.nextInt(HOSTS);
                SyntheticEvents sim = hosts.get(h);
                List<Event> out = pending.get(h);
                if (i % (EVENTS_PER_SECOND * 10) == EVENTS_PER_SECOND * 5) {
                    storms++;
                    for (int b = 0; b < 4; b++) { // 4 x 900 forks in 1 s, as kernel bursts
                        out.add(sim.forkBurst(ms + b * 250, ms + b * 250 + 240, 90_000 + storms, "/tmp/fork-bomb", 900));
                        out.add(sim.shortExitBurst(ms + b * 250, ms + b * 250 + 245, 91_000, 90_000 + storms, "/tmp/fork-bomb", 900));
                    }
                    i += 7;
                } else {
                    int pid = 1000 + rnd.nextInt(PROCESSES_PER_HOST);
                    int child = 100_000 + i % 400_000;
                    double roll = rnd.nextDouble();
                    String exe = "/usr/bin/app" + pid % 50;
                    if (roll < 0.35) {
                        out.add(sim.fork(ms, pid, exe, child));
                    } else if (roll < 0.55) {
                        out.add(sim.exec(ms, child, pid, "/usr/bin/tool" + child % 20));
                    } else if (roll < 0.90) {
                        out.add(sim.childExit(ms, child, pid, exe, rnd.nextDouble() < 0.33 ? 50 : 5_000));
                    } else if (roll < 0.95) {
                        out.add(sim.fdBurst(ms - 900, ms, pid, exe, 65 + rnd.nextInt(200)));
                    } else if (roll < 0.998) {
                        out.add(sim.connectBurst(ms - 900, ms, pid, exe, 17 + rnd.nextInt(30), "10.0.0." + rnd.nextInt(8)));
                    } else {
                        out.add(sim.slowRequest(ms, pid, exe, 520 + rnd.nextInt(400), 8080));
                    }
                }
                if (out.size() >= BATCH) {
                    send(producer, encoder, sim, out);
                }
            }
            for (int h = 0; h < HOSTS; h++) {
                if (!pending.get(h).isEmpty()) {
                    send(producer, encoder, hosts.get(h), pending.get(h));
                }
            }
            producer.flush();
        }
        return storms;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, WireEncoder<EventBatch> encoder, SyntheticEvents sim,
            List<Event> events) {
        producer.send(new ProducerRecord<>("bench.events", sim.host().getBytes(StandardCharsets.UTF_8),
                encoder.encode(sim.batch(List.copyOf(events)))));
        events.clear();
    }
}
