package dev.funnel.collector.enrich;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this host is: its name and the id of the current boot. */
public record HostInfo(String hostName, String bootId) {
    /** This host under the given name; an empty name means the kernel's host name. */
    public static HostInfo named(String name) {
        HostInfo h = current();
        return name == null || name.isEmpty() ? h : new HostInfo(name, h.bootId());
    }

    public static HostInfo current() {
        return new HostInfo(localHostName(), read("/proc/sys/kernel/random/boot_id", "unknown-boot"));
    }

    private static String localHostName() {
        String h = read("/proc/sys/kernel/hostname", null);
        if (h != null && !h.isEmpty()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String read(String path, String fallback) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            return fallback;
        }
    }
}
