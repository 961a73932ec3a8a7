package dev.funnel.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The part of the API server's structural-schema validation that catches manifest mistakes:
 * types, enums, required fields and, above all, fields the schema does not have (the API server
 * prunes those silently, so a misspelled setting simply never arrives). Honours
 * {@code x-kubernetes-preserve-unknown-fields}, {@code x-kubernetes-int-or-string} and
 * {@code additionalProperties}. Formats, patterns and CEL rules are left to the server.
 */
final class CrdSchema {
    /** Paths whose value is checked against a regular expression instead of the schema's enum. */
    private final Map<String, String> enumOverrides;

    CrdSchema(Map<String, String> enumOverrides) {
        this.enumOverrides = enumOverrides;
    }

    /** The openAPIV3Schema of one served version of a CRD in the operator API jar. */
    static Map<String, Object> openApiSchema(String crdFile, String version) throws IOException {
        try (InputStream in = K8sManifestsTest.resource(crdFile)) {
            Map<String, Object> crd = K8sManifestsTest.cast(new Yaml().load(in));
            for (Object v : (List<?>) K8sManifestsTest.cast(crd.get("spec")).get("versions")) {
                Map<String, Object> served = K8sManifestsTest.cast(v);
                if (version.equals(served.get("name"))) {
                    return K8sManifestsTest.cast(K8sManifestsTest.cast(served.get("schema")).get("openAPIV3Schema"));
                }
            }
        }
        throw new IllegalArgumentException(crdFile + " serves no version " + version);
    }

    void validate(Object value, Map<String, Object> schema, String path, List<String> errors) {
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Integer || value instanceof Long || value instanceof String)) {
                errors.add(path + ": not an integer or string");
            }
            return;
        }
        if (schema.containsKey("enum") || enumOverrides.containsKey(path)) {
            checkEnum(value, schema, path, errors);
        }
        String type = (String) schema.get("type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "object" -> validateObject(value, schema, path, errors);
            case "array" -> {
                if (!(value instanceof List<?> list)) {
                    errors.add(path + ": not an array");
                    return;
                }
                Map<String, Object> items = K8sManifestsTest.cast(schema.get("items"));
                for (int i = 0; i < list.size() && items != null; i++) {
                    validate(list.get(i), items, path + "[" + i + "]", errors);
                }
            }
            case "string" -> expect(value instanceof String, path, "a string", errors);
            case "integer" -> expect(value instanceof Integer || value instanceof Long, path, "an integer", errors);
            case "number" -> expect(value instanceof Number, path, "a number", errors);
            case "boolean" -> expect(value instanceof Boolean, path, "a boolean", errors);
            default -> errors.add(path + ": schema type " + type + " unknown to this check");
        }
    }

    private void validateObject(Object value, Map<String, Object> schema, String path, List<String> errors) {
        if (!(value instanceof Map<?, ?> raw)) {
            errors.add(path + ": not an object");
            return;
        }
        Map<String, Object> object = K8sManifestsTest.cast(raw);
        Map<String, Object> properties = K8sManifestsTest.cast(schema.get("properties"));
        Object additional = schema.get("additionalProperties");
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Map.Entry<String, Object> e : object.entrySet()) {
            String child = path + "." + e.getKey();
            if (properties != null && properties.containsKey(e.getKey())) {
                validate(e.getValue(), K8sManifestsTest.cast(properties.get(e.getKey())), child, errors);
            } else if (additional instanceof Map<?, ?> valueSchema) {
                validate(e.getValue(), K8sManifestsTest.cast(valueSchema), child, errors);
            } else if (!preserve && !Boolean.TRUE.equals(additional) && !isTypeMeta(path, e.getKey())) {
                errors.add(child + ": not in the schema");
            }
        }
        Object required = schema.get("required");
        if (required instanceof List<?> names) {
            for (Object name : names) {
                if (!object.containsKey(String.valueOf(name))) {
                    errors.add(path + "." + name + ": required");
                }
            }
        }
    }

    /** apiVersion, kind and metadata at the top are the API server's, whatever the schema lists. */
    private static boolean isTypeMeta(String path, String key) {
        return !path.contains(".") && List.of("apiVersion", "kind", "metadata").contains(key);
    }

    private void checkEnum(Object value, Map<String, Object> schema, String path, List<String> errors) {
        String pattern = enumOverrides.get(path);
        if (pattern != null) {
            expect(value instanceof String s && s.matches(pattern), path, "matching " + pattern, errors);
        } else if (!((List<?>) schema.get("enum")).contains(value)) {
            errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
        }
    }

    private static void expect(boolean ok, String path, String what, List<String> errors) {
        if (!ok) {
            errors.add(path + ": not " + what);
        }
    }
}
