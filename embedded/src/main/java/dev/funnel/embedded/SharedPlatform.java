package dev.funnel.embedded;

import java.nio.file.Path;

/**
 * One Kafka broker and one schema registry per JVM, started on first use and stopped when
 * the JVM exits, so a test suite pays their start-up once. Tests that stop the broker must
 * use their own {@link EmbeddedKafka} instead.
 */
public final class SharedPlatform {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    private SharedPlatform() {}

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-shared-kafka"));
        }
        return kafka;
    }

    public static synchronized EmbeddedRegistry registry() {
        if (registry == null) {
            registry = EmbeddedRegistry.start(0, Path.of(System.getProperty("java.io.tmpdir"), "funnel-test-logs"));
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "stop-shared-registry"));
        }
        return registry;
    }
}
