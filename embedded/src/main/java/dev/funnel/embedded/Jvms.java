package dev.funnel.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds a java executable of at least a given feature version (Apicurio 3 needs 21). */
public final class Jvms {
    private Jvms() {}

    public static Path atLeast(int feature, String overrideEnv) {
        String override = System.getenv(overrideEnv);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        if (Runtime.version().feature() >= feature) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            Optional<Path> best = homes.filter(h -> version(h) >= feature && Files.isExecutable(h.resolve("bin/java")))
                    .max(Comparator.comparingInt(Jvms::version));
            if (best.isPresent()) {
                return best.get().resolve("bin/java");
            }
        } catch (IOException e) {
            // fall through to the error
        }
        throw new IllegalStateException("no Java " + feature + "+ found under /usr/lib/jvm (this JVM is "
                + Runtime.version().feature() + "): install one (e.g. temurin-25-jdk) or set " + overrideEnv
                + "=/path/to/bin/java");
    }

    /** Feature version from a JDK's release file; 0 when unknown. */
    static int version(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(13).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
