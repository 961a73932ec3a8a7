package dev.funnel.collector.enrich;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this host is: its name and the id of the current boot. */
public record HostInfo(String hostName, String bootId) {
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
