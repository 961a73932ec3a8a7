package dev.funnel.k8s;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields a fabric8 model did not recognise. Every fabric8 model class binds unknown
 * JSON fields into its {@code additionalProperties} map instead of failing, so a typo in a
 * manifest parses silently; this walks the bound model (getters of fabric8 model types, lists
 * and maps of them) and reports each such field by its path, e.g. {@code spec.ports[0].tragetPort}.
 */
final class UnknownFields {
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private UnknownFields() {}

    static void collect(Object node, String path, List<String> out) {
        if (node == null) {
            return;
        }
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collect(list.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collect(v, path + "[" + k + "]", out));
            return;
        }
        if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> out.add(path + "." + k));
            } else {
                collect(value, path + "." + property(getter.getName()), out);
            }
        }
    }

    private static String property(String getter) {
        String name = getter.substring(3);
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
