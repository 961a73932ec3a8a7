package dev.funnel.collector.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The [Service] settings of a systemd unit file, enough to check and replay what it runs. */
public record SystemdUnit(Map<String, String> service) {
    public static SystemdUnit parse(Path file) throws IOException {
        Map<String, String> service = new LinkedHashMap<>();
        String section = "";
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (pending.length() > 0 || (!line.startsWith("#") && !line.isEmpty())) {
                if (line.endsWith("\\")) { // a continued line
                    pending.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                line = pending.append(line).toString();
                pending.setLength(0);
            } else {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[Service]")) {
                int eq = line.indexOf('=');
                service.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "\n" + b);
            }
        }
        return new SystemdUnit(service);
    }

    public String get(String key) {
        return service.getOrDefault(key, "");
    }

    /** The capability names, lower case without CAP_, as setpriv takes them. */
    public List<String> capabilities(String key) {
        List<String> caps = new ArrayList<>();
        for (String c : get(key).split("\\s+")) {
            if (!c.isEmpty()) {
                caps.add(c.toLowerCase().replaceFirst("^cap_", ""));
            }
        }
        return caps;
    }

    /** ExecStart split into words (the unit quotes nothing). */
    public List<String> execStart() {
        return List.of(get("ExecStart").trim().split("\\s+"));
    }
}
