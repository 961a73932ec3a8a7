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
 * A real schema registry speaking the Confluent API: Apicurio Registry 3 (the only one on
 * Maven Central), run from the copy the build unpacked, as a watched child process bound to
 * 127.0.0.1. Storage is in memory: a new registry starts empty.
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

    /** Starts Apicurio on port (0: a free one) and waits until it answers; ~10-20 s. */
    public static EmbeddedRegistry start(int port, Path logDir) {
        int http = port == 0 ? Ports.free() : port;
        int management = Ports.free();
        Ports.requireFree(http, "the schema registry");
        Path home = apicurioHome();
        Path java = Jvms.atLeast(21, "FUNNEL_REGISTRY_JAVA");
        List<String> cmd = List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + http,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
                "-Dquarkus.log.level=WARN", "-jar", home.resolve("quarkus-run.jar").toString());
        ChildProcess p = ChildProcess.start("schema registry", cmd, Map.of(), logDir.resolve("registry.log"));
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

    static Path apicurioHome() {
        Properties p = new Properties();
        try (InputStream in = EmbeddedRegistry.class.getResourceAsStream("/funnel-embedded.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("funnel-embedded.properties missing from the classpath", e);
        }
        Path home = Path.of(p.getProperty("apicurio.home"));
        if (!Files.exists(home.resolve("quarkus-run.jar"))) {
            throw new UncheckedIOException(new IOException("Apicurio Registry is not unpacked at " + home
                    + ": run `mvn -pl embedded install` (the build unpacks it from Maven Central)"));
        }
        return home;
    }

    @Override
    public void close() {
        process.close();
    }
}
