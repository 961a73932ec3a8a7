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
 * docker-compose.yml, k8s/ and the Dockerfiles checked against the code (tools/compose-check.sh
 * runs the compose file for real; K8sManifestsTest parses k8s/ into the typed API models): every
 * image is built here from what the build makes, on one base, with the versions the build pins;
 * topics, ports and URLs agree with each other; every collector key, job option and alert
 * consumer option is one the code accepts; the collector gets exactly the systemd unit's
 * capabilities and JVM flags.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("funnel.version");
    static final Set<String> TOPICS = Set.of(Topics.EVENTS, Topics.ALERTS, Topics.DEAD_LETTER, Topics.ACTIONS,
            Topics.ACTIONS_AUDIT);

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
    void everyImageIsBuiltHereAndK8sUsesTheSameNames() throws Exception {
        Map<String, String> built = new LinkedHashMap<>(); // image -> Dockerfile
        List<String> used = new ArrayList<>();
        map(compose().get("services")).values().forEach(s -> {
            Map<String, Object> service = map(s);
            used.add((String) service.get("image"));
            if (service.get("build") instanceof Map<?, ?> build) {
                built.put((String) service.get("image"), (String) build.get("dockerfile"));
                assertEquals(Map.of("BASE", "${FUNNEL_BASE_IMAGE:-debian:12-slim}"), build.get("args"),
                        "every image builds on the same base, given by FUNNEL_BASE_IMAGE");
            }
        });
        assertEquals(Set.of("kafka", "registry", "flink-job", "collector", "alerts"),
                built.keySet().stream().map(i -> i.replaceAll("^funnel/(.*):" + Pattern.quote(VERSION) + "$", "$1"))
                        .collect(java.util.stream.Collectors.toSet()), built.toString());
        assertTrue(built.keySet().containsAll(used), "every service runs an image built here: " + used);
        List<String> k8sImages = new ArrayList<>();
        collect(k8s(), "image", k8sImages);
        assertEquals(built.keySet(), new TreeSet<>(k8sImages), "k8s/ runs exactly the images compose builds");

        for (String dockerfile : built.values()) {
            String text = Files.readString(ROOT.resolve(dockerfile));
            assertTrue(text.contains("\nARG BASE=debian:12-slim\nFROM ${BASE}\n"), dockerfile + " builds FROM ${BASE}");
            assertTrue(text.split("\nFROM ").length == 2, dockerfile + " has one stage, on the base");
            assertTrue(!text.matches("(?s).*(curl |wget |ADD https?:).*"), dockerfile + " downloads nothing but Debian packages");
        }
        String flink = System.getProperty("funnel.flink.version");
        assertTrue(Files.exists(ROOT.resolve("flink-dist/target/flink/lib/flink-runtime-" + flink + ".jar")),
                "the job image's Flink lib/ is Flink " + flink);
        assertTrue(Files.exists(ROOT.resolve("kafka-dist/target/kafka/libs/kafka_2.13-"
                + System.getProperty("funnel.kafka.version") + ".jar")), "the broker image is the Kafka the build pins");
        assertTrue(Files.exists(ROOT.resolve("embedded/target/apicurio/apicurio-registry-app-"
                + System.getProperty("funnel.apicurio.version") + "-runner.jar")), "the registry image is the Apicurio the build pins");
        Map<String, Object> spec = map(k8s().get("FlinkDeployment/funnel-detection").get("spec"));
        assertEquals("v" + flink.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"), spec.get("flinkVersion"));
    }

    @Test
    void theDockerfilesCopyWhatTheBuildMakesAndTheContextLetsItThrough() throws Exception {
        Pattern copy = Pattern.compile("^COPY (?:--\\S+ )*(.+)$", Pattern.MULTILINE);
        Map<String, String> copied = new LinkedHashMap<>();
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        for (String dockerfile : List.of("collector/Dockerfile", "flink-job/Dockerfile", "alerts/Dockerfile",
                "deploy/docker/kafka/Dockerfile", "deploy/docker/registry/Dockerfile")) {
            Matcher m = copy.matcher(Files.readString(ROOT.resolve(dockerfile)));
            while (m.find()) {
                List<String> words = List.of(m.group(1).trim().split("\\s+"));
                String target = words.get(words.size() - 1);
                for (String source : words.subList(0, words.size() - 1)) {
                    try (var matches = Files.newDirectoryStream(ROOT.resolve(source).getParent(),
                            ROOT.resolve(source).getFileName().toString())) {
                        assertTrue(matches.iterator().hasNext(), dockerfile + " copies " + source + ", which the build makes");
                    }
                    assertTrue(ignore.stream().anyMatch(i -> source.equals(i) || source.startsWith(i + "/")),
                            ".dockerignore lets " + source + " into the build context");
                    copied.put(target.endsWith("/") ? target + Path.of(source).getFileName() : target, source);
                }
            }
        }
        assertTrue(copied.keySet().containsAll(List.of("/docker-entrypoint.sh", "/opt/flink/bin/kubernetes-jobmanager.sh",
                "/opt/flink/bin/kubernetes-taskmanager.sh")), "the job image has what the Flink Kubernetes Operator starts");
        Map<String, Object> job = map(map(k8s().get("FlinkDeployment/funnel-detection").get("spec")).get("job"));
        assertEquals("local://" + "/opt/flink/usrlib/funnel-flink-job.jar", job.get("jarURI"));
        assertTrue(copied.containsKey("/opt/flink/usrlib/funnel-flink-job.jar"));
        assertEquals(FunnelJob.class.getName(), job.get("entryClass"));
        assertTrue(strings(service("job-submit").get("command")).contains("/opt/flink/usrlib/funnel-flink-job.jar"));
    }

    @Test
    void theTopicsCreatedAreTheTopicsTheCodeUses() throws Exception {
        assertEquals(TOPICS, topicsCreated(strings(service("kafka-init").get("command"))));
        List<String> args = new ArrayList<>();
        collect(k8s().get("Job/kafka-topics"), "args", args);
        assertEquals(TOPICS, topicsCreated(args));
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
        assertHostEndpoints(c.string("kafka.bootstrap.servers"), c.string("schema.registry.url"));
        assertTrue(c.ports("slow.request.ignore.ports").containsAll(List.of(9092, 29092)),
                "every Kafka listener is a long-poll port the request clock ignores");
        assertEquals("host", service("collector").get("network_mode"), "on the host's network: the host's name");
        assertTrue(strings(service("collector").get("volumes")).contains("${FUNNEL_CGROUP2:-/sys/fs/cgroup}:"
                + c.string("cgroup.root") + ":ro"), "the host's cgroup2 tree is mounted where cgroup.root says");

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
        // Docker 20.10 knows no CAP_BPF/CAP_PERFMON: those two entries are variables whose
        // defaults are the unit's capabilities.
        assertEquals(caps, strings(collector.get("cap_add")).stream()
                .map(c -> c.replaceAll("^\\$\\{FUNNEL_CAP_[A-Z]+:-([A-Z_]+)}$", "$1")).toList());
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
        assertAdvertised(bootstrap);
        URI u = URI.create(registryUrl);
        assertEquals("registry", u.getHost());
        assertTrue(Files.readString(ROOT.resolve("deploy/docker/registry/Dockerfile")).contains("-Dquarkus.http.port=" + u.getPort()),
                "the registry container listens on " + u.getPort());
        assertEquals(EmbeddedRegistry.CCOMPAT_PATH, u.getPath());
    }

    /** bootstrap is one of the compose broker's advertised listeners. */
    static void assertAdvertised(String bootstrap) throws IOException {
        Map<String, Object> kafkaEnv = map(service("kafka").get("environment"));
        assertTrue(((String) kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + bootstrap),
                bootstrap + " is an advertised listener");
    }

    /** On the host's network (the collector): the broker's and registry's published ports. */
    static void assertHostEndpoints(String bootstrap, String registryUrl) throws IOException {
        assertAdvertised(bootstrap);
        assertTrue(strings(service("kafka").get("ports")).contains(bootstrap.replaceAll(".*:(\\d+)$", "$1:$1")),
                bootstrap + " is published");
        URI u = URI.create(registryUrl);
        assertEquals("localhost", u.getHost());
        assertTrue(strings(service("registry").get("ports")).stream().anyMatch(p -> p.startsWith(u.getPort() + ":")),
                "the registry is published on " + u.getPort());
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

    /** The topics of a {@code kafka topics NAME:PARTITIONS...} command (deploy/docker/kafka/kafka). */
    static Set<String> topicsCreated(List<String> command) {
        assertEquals("topics", command.get(0));
        Set<String> topics = new TreeSet<>();
        for (String spec : command.subList(1, command.size())) {
            assertTrue(spec.matches("[a-z.]+:[1-9][0-9]*"), "NAME:PARTITIONS: " + spec);
            topics.add(spec.substring(0, spec.indexOf(':')));
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
