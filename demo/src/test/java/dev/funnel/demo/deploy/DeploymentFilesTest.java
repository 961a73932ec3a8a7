package dev.funnel.demo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.alerts.AlertsMain;
import dev.funnel.collector.cli.CollectorJvm;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.deploy.SystemdUnit;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.job.FunnelJob;
import dev.funnel.job.JobOptions;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, k8s/ and the Dockerfiles cannot run here (no Docker engine), so they are
 * checked against the code instead: they parse; images carry the versions the build pins;
 * topics, ports and URLs agree with each other; every collector key, job option and alert
 * consumer option is one the code accepts; the collector gets exactly the systemd unit's
 * capabilities and JVM flags.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("funnel.version");
    static final Set<String> TOPICS = Set.of(Topics.EVENTS, Topics.ALERTS, Topics.DEAD_LETTER);

    static Map<String, Object> compose() throws IOException {
        return map(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))));
    }

    static Map<String, Object> service(String name) throws IOException {
        return map(map(compose().get("services")).get(name));
    }

    /** Every document of every file in k8s/, by "Kind/name". */
    static Map<String, Map<String, Object>> k8s() throws IOException {
        Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
        try (var files = Files.list(ROOT.resolve("k8s"))) {
            for (Path f : files.sorted().toList()) {
                for (Object d : new Yaml().loadAll(Files.readString(f))) {
                    Map<String, Object> doc = map(d);
                    String name = doc.containsKey("metadata") ? (String) map(doc.get("metadata")).get("name") : f.toString();
                    docs.put(doc.get("kind") + "/" + name, doc);
                }
            }
        }
        return docs;
    }

    @Test
    void imagesCarryTheVersionsTheBuildPins() throws Exception {
        List<String> images = new ArrayList<>();
        map(compose().get("services")).values().forEach(s -> images.add((String) map(s).get("image")));
        collect(k8s(), "image", images);
        String kafka = "apache/kafka:" + System.getProperty("funnel.kafka.version");
        String registry = "apicurio/apicurio-registry-mem:" + System.getProperty("funnel.apicurio.version");
        for (String image : images) {
            assertTrue(image.equals(kafka) || image.equals(registry) || image.matches("funnel/(collector|flink-job|alerts):"
                    + Pattern.quote(VERSION)), "an image the build does not pin: " + image);
        }
        assertTrue(images.containsAll(List.of(kafka, registry, "funnel/collector:" + VERSION,
                "funnel/flink-job:" + VERSION, "funnel/alerts:" + VERSION)), images.toString());

        String flink = System.getProperty("funnel.flink.version");
        assertTrue(Files.readString(ROOT.resolve("flink-job/Dockerfile"))
                .contains("\nFROM flink:" + flink + "-scala_2.12-java17\n"), "the job image is Flink " + flink);
        Map<String, Object> spec = map(k8s().get("FlinkDeployment/funnel-detection").get("spec"));
        assertEquals("v" + flink.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"), spec.get("flinkVersion"));
    }

    @Test
    void theDockerfilesCopyWhatTheBuildMakes() throws Exception {
        Pattern copy = Pattern.compile("^COPY (?:--\\S+ )*(\\S+) (\\S+)$", Pattern.MULTILINE);
        Map<String, String> copied = new LinkedHashMap<>();
        for (String dockerfile : List.of("collector/Dockerfile", "flink-job/Dockerfile", "alerts/Dockerfile")) {
            Matcher m = copy.matcher(Files.readString(ROOT.resolve(dockerfile)));
            while (m.find()) {
                assertTrue(Files.exists(ROOT.resolve(m.group(1))), dockerfile + " copies " + m.group(1) + ", which the build makes");
                copied.put(m.group(2), m.group(1));
            }
        }
        Map<String, Object> job = map(map(k8s().get("FlinkDeployment/funnel-detection").get("spec")).get("job"));
        assertEquals("local://" + "/opt/flink/usrlib/funnel-flink-job.jar", job.get("jarURI"));
        assertTrue(copied.containsKey("/opt/flink/usrlib/funnel-flink-job.jar"));
        assertEquals(FunnelJob.class.getName(), job.get("entryClass"));
        assertTrue(strings(service("job-submit").get("command")).contains("/opt/flink/usrlib/funnel-flink-job.jar"));
    }

    @Test
    void theTopicsCreatedAreTheTopicsTheCodeUses() throws Exception {
        String composeInit = String.join(" ", strings(service("kafka-init").get("command")));
        assertEquals(TOPICS, topicsCreated(composeInit));
        Map<String, Object> job = k8s().get("Job/kafka-topics");
        List<String> args = new ArrayList<>();
        collect(job, "args", args);
        assertEquals(TOPICS, topicsCreated(String.join(" ", args)));
    }

    @Test
    void theJobsArgumentsAreOptionsItAcceptsAndPointAtTheBrokerAndRegistry() throws Exception {
        List<String> command = strings(service("job-submit").get("command"));
        List<String> composeArgs = command.subList(command.indexOf("/opt/flink/usrlib/funnel-flink-job.jar") + 1, command.size());
        JobOptions c = JobOptions.parse(composeArgs.toArray(String[]::new));
        assertComposeEndpoints(c.bootstrapServers, c.schemaRegistry);

        List<String> k8sArgs = strings(map(map(k8s().get("FlinkDeployment/funnel-detection").get("spec")).get("job")).get("args"));
        JobOptions k = JobOptions.parse(k8sArgs.toArray(String[]::new));
        assertK8sEndpoints(k.bootstrapServers, k.schemaRegistry);
    }

    @Test
    void theCollectorsSettingsAreKeysItAcceptsAndPointAtTheBrokerAndRegistry(@TempDir Path tmp) throws Exception {
        Map<String, String> sets = new LinkedHashMap<>();
        List<String> command = strings(service("collector").get("command"));
        for (int i = 0; i < command.size(); i += 2) {
            assertEquals("--set", command.get(i));
            String[] kv = command.get(i + 1).split("=", 2);
            sets.put(kv[0], kv[1]);
        }
        CollectorConfig c = CollectorConfig.of(null, sets); // throws naming any unknown key or bad value
        assertEquals("kafka", c.string("sink"));
        assertComposeEndpoints(c.string("kafka.bootstrap.servers"), c.string("schema.registry.url"));
        assertTrue(c.ports("slow.request.ignore.ports").containsAll(List.of(9092, 29092)),
                "every Kafka listener is a long-poll port the request clock ignores");
        assertTrue(strings(service("collector").get("ports")).contains("127.0.0.1:9464:" + c.integer("metrics.port")));

        Path props = tmp.resolve("collector.properties");
        Map<String, Object> configMap = k8s().get("ConfigMap/funnel-collector");
        Files.writeString(props, (String) map(configMap.get("data")).get("collector.properties"));
        CollectorConfig k = CollectorConfig.of(props, Map.of("host.name", "node-1")); // the DaemonSet's --set
        assertK8sEndpoints(k.string("kafka.bootstrap.servers"), k.string("schema.registry.url"));
        assertTrue(k.ports("slow.request.ignore.ports").contains(9092));
        Map<String, Object> pod = map(map(k8s().get("DaemonSet/funnel-collector").get("spec")).get("template"));
        Map<String, Object> container = map(((List<?>) map(pod.get("spec")).get("containers")).get(0));
        assertEquals(List.of("--set", "host.name=$(NODE_NAME)"), container.get("args"));
        List<String> mounts = new ArrayList<>();
        collect(container.get("volumeMounts"), "mountPath", mounts);
        assertTrue(mounts.containsAll(List.of("/etc/funnel", "/sys/kernel/tracing", k.string("cgroup.root"))), mounts.toString());
        assertEquals(true, map(pod.get("spec")).get("hostPID"));
    }

    @Test
    void theCollectorGetsExactlyTheSystemdUnitsCapabilitiesAndJvmFlags() throws Exception {
        SystemdUnit unit = SystemdUnit.parse(ROOT.resolve("collector/funnel-collector.service"));
        List<String> caps = unit.capabilities("AmbientCapabilities").stream().map(String::toUpperCase).toList();
        Map<String, Object> collector = service("collector");
        assertEquals(caps, collector.get("cap_add"));
        assertEquals(List.of("ALL"), collector.get("cap_drop"));
        assertEquals("host", collector.get("pid"));
        Map<String, Object> pod = map(map(k8s().get("DaemonSet/funnel-collector").get("spec")).get("template"));
        Map<String, Object> container = map(((List<?>) map(pod.get("spec")).get("containers")).get(0));
        Map<String, Object> capabilities = map(map(container.get("securityContext")).get("capabilities"));
        assertEquals(caps, capabilities.get("add"));
        assertEquals(List.of("ALL"), capabilities.get("drop"));

        List<String> exec = unit.execStart();
        List<String> unitFlags = exec.subList(1, exec.indexOf("-jar"));
        Matcher entry = Pattern.compile("ENTRYPOINT \\[(.*)]").matcher(Files.readString(ROOT.resolve("collector/Dockerfile")));
        assertTrue(entry.find());
        List<String> image = List.of(entry.group(1).replace("\"", "").split(",\\s*"));
        assertEquals(unitFlags, image.subList(1, image.indexOf("-jar")), "the same JVM flags in the image as in the unit");
        assertEquals(unitFlags, CollectorJvm.FLAGS, "the benchmark and the fleet demo run the unit's JVM");
        assertTrue(Files.readString(ROOT.resolve("bin/funnel")).contains("echo \"" + String.join(" ", unitFlags) + "\""),
                "bin/funnel collector runs the unit's JVM flags");
    }

    @Test
    void theAlertConsumersArgumentsAreOptionsItAccepts() throws Exception {
        var c = AlertsMain.parse(strings(service("alerts").get("command")).toArray(String[]::new));
        assertComposeEndpoints(c.bootstrapServers(), c.schemaRegistry());
        Map<String, Object> pod = map(map(k8s().get("Deployment/funnel-alerts").get("spec")).get("template"));
        List<String> args = strings(map(((List<?>) map(pod.get("spec")).get("containers")).get(0)).get("args"));
        var k = AlertsMain.parse(args.toArray(String[]::new));
        assertK8sEndpoints(k.bootstrapServers(), k.schemaRegistry());
    }

    /** Inside compose: the broker's internal listener and the registry container's port. */
    static void assertComposeEndpoints(String bootstrap, String registryUrl) throws IOException {
        Map<String, Object> kafkaEnv = map(service("kafka").get("environment"));
        assertTrue(((String) kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + bootstrap),
                bootstrap + " is an advertised listener");
        URI u = URI.create(registryUrl);
        assertEquals("registry", u.getHost());
        assertTrue(strings(service("registry").get("ports")).stream().anyMatch(p -> p.endsWith(":" + u.getPort())),
                "the registry container listens on " + u.getPort());
        assertEquals(EmbeddedRegistry.CCOMPAT_PATH, u.getPath());
    }

    /** In the cluster: the kafka and registry Services. */
    static void assertK8sEndpoints(String bootstrap, String registryUrl) throws IOException {
        Map<String, Map<String, Object>> docs = k8s();
        List<String> kafkaEnv = new ArrayList<>();
        collect(docs.get("StatefulSet/kafka"), "value", kafkaEnv);
        assertTrue(kafkaEnv.contains("PLAINTEXT://" + bootstrap), bootstrap + " is the advertised listener");
        assertEquals("kafka.funnel.svc:" + servicePort(docs.get("Service/kafka")), bootstrap);
        URI u = URI.create(registryUrl);
        assertEquals("registry.funnel.svc", u.getHost());
        assertEquals(servicePort(docs.get("Service/registry")), u.getPort());
        assertEquals(EmbeddedRegistry.CCOMPAT_PATH, u.getPath());
    }

    static int servicePort(Map<String, Object> service) {
        return (Integer) map(((List<?>) map(service.get("spec")).get("ports")).get(0)).get("port");
    }

    static Set<String> topicsCreated(String script) {
        Set<String> topics = new TreeSet<>();
        Matcher m = Pattern.compile("--create --if-not-exists\\s+--topic (\\S+)").matcher(script);
        while (m.find()) {
            topics.add(m.group(1));
        }
        return topics;
    }

    /** Every string value under key, anywhere in the tree. */
    static void collect(Object node, String key, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (key.equals(k) && v instanceof String s) {
                    out.add(s);
                } else if (key.equals(k) && v instanceof List<?> l) {
                    l.forEach(x -> out.add(String.valueOf(x)));
                } else {
                    collect(v, key, out);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(x -> collect(x, key, out));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    static List<String> strings(Object o) {
        return ((List<?>) o).stream().map(String::valueOf).toList();
    }
}
