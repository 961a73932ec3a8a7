package dev.funnel.collector.enrich;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container identity from a cgroup v2 path, for the runtimes people run: docker, containerd
 * (Kubernetes CRI), CRI-O and podman, with the systemd and cgroupfs drivers; and systemd
 * units (a service or scope under a slice) for processes in no container.
 */
public final class ContainerIds {
    /** runtime: docker, containerd, cri-o, podman, kubernetes (bare id under kubepods) or systemd. */
    public record Container(String runtime, String id) {
        /** The 12-character form people know from docker ps and crictl. */
        public String shortId() {
            return id.length() > 12 && !runtime.equals("systemd") ? id.substring(0, 12) : id;
        }
    }

    private static final Pattern SCOPE = Pattern.compile(
            "(docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\\.scope");
    private static final Pattern BARE_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UNIT = Pattern.compile("[^/]+\\.(service|scope)");

    private ContainerIds() {}

    /** The container or unit a cgroup path belongs to, or null (root cgroup, unknown layout). */
    public static Container parse(String cgroupPath) {
        if (cgroupPath == null || cgroupPath.isEmpty()) {
            return null;
        }
        String[] parts = cgroupPath.split("/");
        if (parts.length == 0) {
            return null; // the root cgroup
        }
        // Innermost first: podman nests a "container" group inside its libpod scope.
        for (int i = parts.length - 1; i >= 0; i--) {
            String p = parts[i];
            Matcher m = SCOPE.matcher(p);
            if (m.matches()) {
                return new Container(runtimeOf(m.group(1)), m.group(2));
            }
            if (BARE_ID.matcher(p).matches()) {
                String parent = i > 0 ? parts[i - 1] : "";
                String runtime = parent.equals("docker") ? "docker"
                        : parent.startsWith("libpod") ? "podman"
                        : parent.equals("crio") ? "cri-o"
                        : cgroupPath.contains("kubepods") ? "kubernetes" : "containerd";
                return new Container(runtime, p);
            }
        }
        String last = parts[parts.length - 1];
        if (UNIT.matcher(last).matches() && !last.contains("-conmon-")) {
            return new Container("systemd", last);
        }
        return null;
    }

    private static String runtimeOf(String prefix) {
        switch (prefix) {
            case "docker": return "docker";
            case "cri-containerd": return "containerd";
            case "crio": return "cri-o";
            default: return "podman";
        }
    }
}
