package dev.funnel.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real schema registry speaking the Confluent API: Apicurio Registry 2.6 (the only one on
 * Maven Central that runs on Java 17, the newest JDK Debian 12 ships), run from the copy the
 * build unpacked, as a watched child process bound to 127.0.0.1 on the JVM running us.
 * Storage is in memory (H2): a new registry starts empty.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    /** The Confluent-compatible API path under the registry's HTTP port. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final int port;
    private final ChildProcess process;

    private EmbeddedRegistry(int port, ChildProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts Apicurio on port (0: a free one), schemas in memory, and waits until it answers; ~5 s. */
    public static EmbeddedRegistry start(int port, Path logDir) {
        return start(port, logDir, null);
    }

    /**
     * Starts Apicurio on port (0: a free one) and waits until it answers. With a dataDir, its
     * schemas live in an H2 file there (REGISTRY_DATASOURCE_URL) and survive a restart; in memory
     * (the default), a restarted registry has forgotten every schema id the topics' records name.
     */
    public static EmbeddedRegistry start(int port, Path logDir, Path dataDir) {
        int http = port == 0 ? Ports.free() : port;
        Ports.requireFree(http, "the schema registry");
        Path runner = runnerJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + http,
                "-Dquarkus.log.level=WARN", "-jar", runner.toString());
        Map<String, String> env = dataDir == null ? Map.of()
                : Map.of("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dataDir.resolve("registry_db"));
        ChildProcess p = ChildProcess.start("schema registry", cmd, env, logDir.resolve("registry.log"));
        EmbeddedRegistry r = new EmbeddedRegistry(http, p);
        p.awaitReady(r::answers, 120_000);
        return r;
    }

    public int port() {
        return port;
    }

    /** Base URL of the Confluent-compatible API, as clients are configured with it. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    private boolean answers() {
        try {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The unpacked registry's runner jar (its lib/ beside it), as the build left it. */
    static Path runnerJar() {
        Properties p = new Properties();
        try (InputStream in = EmbeddedRegistry.class.getResourceAsStream("/funnel-embedded.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("funnel-embedded.properties missing from the classpath", e);
        }
        Path jar = Path.of(p.getProperty("apicurio.home"))
                .resolve("apicurio-registry-app-" + p.getProperty("apicurio.version") + "-runner.jar");
        if (!Files.exists(jar)) {
            throw new UncheckedIOException(new IOException("Apicurio Registry is not unpacked at " + jar
                    + ": run `bin/funnel build` (the build unpacks it from Maven Central)"));
        }
        return jar;
    }

    @Override
    public void close() {
        process.close();
    }
}
