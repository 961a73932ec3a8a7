package dev.funnel.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * k8s/ against the real API models rather than string checks: every core, apps and batch
 * manifest is bound to fabric8's typed Kubernetes model, and a field the model does not have (a
 * typo, a wrong nesting) fails, because it would land in the model's catch-all map and
 * {@code kubectl apply} would drop or refuse it. The FlinkDeployment is checked against the
 * structural schema of the Flink Kubernetes Operator's own CRD. The Kustomization lists every
 * file. Image names are checked against what compose builds in DeploymentFilesTest (demo).
 */
class K8sManifestsTest {
    static final Path K8S = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "../..")).toAbsolutePath()
            .normalize().resolve("k8s");
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "v1/Namespace", Namespace.class, "v1/Service", Service.class, "v1/ConfigMap", ConfigMap.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class, "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class, "apps/v1/DaemonSet", DaemonSet.class, "batch/v1/Job", Job.class);
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Doc(Path file, Map<String, Object> body) {
        String type() {
            return body.get("apiVersion") + "/" + body.get("kind");
        }

        @Override
        public String toString() {
            return file.getFileName() + " " + type();
        }
    }

    static List<Doc> docs() throws IOException {
        List<Doc> docs = new ArrayList<>();
        try (var files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object d : new Yaml().loadAll(Files.readString(f))) {
                    docs.add(new Doc(f, cast(d)));
                }
            }
        }
        return docs;
    }

    @Test
    void everyManifestBindsToItsTypedModelWithNoUnknownField() throws Exception {
        int bound = 0;
        for (Doc doc : docs()) {
            Class<? extends HasMetadata> model = MODELS.get(doc.type());
            if (model == null) {
                continue;
            }
            HasMetadata resource = JSON.convertValue(doc.body(), model);
            List<String> unknown = new ArrayList<>();
            UnknownFields.collect(resource, doc.type(), unknown);
            assertEquals(List.of(), unknown, doc + ": fields the Kubernetes API does not have");
            assertNotNull(resource.getMetadata().getName(), doc + " has a name");
            if (!(resource instanceof Namespace)) {
                assertEquals("funnel", resource.getMetadata().getNamespace(), doc + " is in namespace funnel");
            }
            bound++;
        }
        assertEquals(10, bound, "every manifest but the FlinkDeployment and the Kustomization is a core/apps/batch kind");
    }

    @Test
    void aMisspelledFieldIsCaught() {
        Map<String, Object> typo = cast(new Yaml().load("""
                apiVersion: v1
                kind: Service
                metadata: {name: kafka, namespace: funnel}
                spec:
                  selector: {app: kafka}
                  ports: [{name: kafka, port: 9092, tragetPort: 9092}]
                """));
        List<String> unknown = new ArrayList<>();
        UnknownFields.collect(JSON.convertValue(typo, Service.class), "v1/Service", unknown);
        assertEquals(List.of("v1/Service.spec.ports[0].tragetPort"), unknown);
    }

    @Test
    void theFlinkDeploymentMatchesTheOperatorsCrdSchema() throws Exception {
        Doc flink = docs().stream().filter(d -> d.type().equals("flink.apache.org/v1beta1/FlinkDeployment"))
                .findFirst().orElseThrow();
        Map<String, Object> schema = CrdSchema.openApiSchema("flinkdeployments.flink.apache.org-v1.yml", "v1beta1");
        List<String> errors = new ArrayList<>();
        // Operator 1.10.0, the newest on Maven Central, predates Flink 2: its flinkVersion enum
        // ends at v1_20. Flink 2.2 needs operator 1.13+; that one value is checked by pattern.
        new CrdSchema(Map.of("FlinkDeployment.spec.flinkVersion", "v\\d+_\\d+"))
                .validate(flink.body(), schema, "FlinkDeployment", errors);
        assertEquals(List.of(), errors, "the FlinkDeployment against the operator's CRD");

        List<String> typo = new ArrayList<>();
        Map<String, Object> broken = cast(new Yaml().load("""
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: x}
                spec: {image: x, job: {jarURI: local:///x.jar, paralelism: 2}, taskManager: {resource: {memory: 1g}}}
                """));
        new CrdSchema(Map.of()).validate(broken, schema, "FlinkDeployment", typo);
        assertEquals(List.of("FlinkDeployment.spec.job.paralelism: not in the schema"), typo,
                "the schema check catches what the operator would drop");
    }

    @Test
    void theKustomizationListsEveryManifest() throws Exception {
        Map<String, Object> k = cast(new Yaml().load(Files.readString(K8S.resolve("kustomization.yaml"))));
        assertEquals("kustomize.config.k8s.io/v1beta1", k.get("apiVersion"));
        assertEquals("funnel", k.get("namespace"));
        TreeSet<String> files = new TreeSet<>();
        try (var list = Files.list(K8S)) {
            list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(files::add);
        }
        assertEquals(files, new TreeSet<>(castList(k.get("resources"))));
    }

    /** The CRD yml inside the operator API jar, as the operator installs it. */
    static InputStream resource(String name) {
        InputStream in = K8sManifestsTest.class.getResourceAsStream("/META-INF/fabric8/" + name);
        assertNotNull(in, "the operator API jar carries " + name);
        return in;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    static List<String> castList(Object o) {
        return ((List<?>) o).stream().map(String::valueOf).toList();
    }
}
