package dev.funnel.schema.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.embedded.SharedPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * schemas/*.avsc may only change in BACKWARD-compatible ways: a job with the new schema must
 * read every batch a collector with an older one wrote. Every released version is kept in
 * schemas/history/NAME-vN.avsc; a change that breaks compatibility with any of them fails
 * here, first by Avro's own rules, then by a real registry under BACKWARD.
 */
class SchemaEvolutionTest {
    @ParameterizedTest
    @ValueSource(strings = {"EventBatch", "Alert", "Action", "ActionOutcome"})
    void theCurrentSchemaReadsEveryReleasedVersion(String name) throws Exception {
        Schema current = load("/schemas/" + name + ".avsc");
        for (Schema old : history(name)) {
            SchemaCompatibility.SchemaPairCompatibility c =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, c.getType(),
                    name + " cannot read an earlier version: " + c.getDescription());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"EventBatch", "Alert", "Action", "ActionOutcome"})
    void aRealRegistryUnderBackwardAcceptsTheCurrentSchemaAfterItsHistory(String name) throws Exception {
        SchemaRegistry registry = new SchemaRegistry(SharedPlatform.registry().url());
        String subject = "evolution-" + name + "-value";
        registry.setCompatibility(subject, "BACKWARD");
        for (Schema old : history(name)) {
            registry.register(subject, old);
        }
        registry.register(subject, load("/schemas/" + name + ".avsc")); // throws 409 when it breaks

        // And the check can fail: a new required field without a default breaks old data.
        Schema broken = new Schema.Parser().parse(load("/schemas/" + name + ".avsc").toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"required_new\",\"type\":\"long\"},"));
        SchemaRegistry.RegistryException e = assertThrows(SchemaRegistry.RegistryException.class,
                () -> registry.register(subject, broken));
        assertEquals(409, e.status(), e.getMessage());
    }

    static List<Schema> history(String name) throws IOException {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/schemas/history/" + name + "-v" + v + ".avsc")) {
                if (in == null) {
                    break;
                }
                out.add(new Schema.Parser().parse(in));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no released versions of " + name + " in schemas/history");
        }
        return out;
    }

    static Schema load(String resource) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    /** Every sink subtask and every collector sets its subject's level as it starts: at once. */
    @org.junit.jupiter.api.Test
    void writersSettingTheSameCompatibilityAtOnceAllSucceed() throws Exception {
        String url = SharedPlatform.registry().url();
        String subject = "concurrent-" + System.nanoTime() + "-value";
        int writers = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                ids.add(pool.submit(() -> {
                    SchemaRegistry own = new SchemaRegistry(url); // no shared client cache
                    start.await();
                    own.setCompatibility(subject, "BACKWARD");
                    return own.register(subject, load("/schemas/Alert.avsc"));
                }));
            }
            java.util.Set<Integer> distinct = new java.util.HashSet<>();
            for (var id : ids) {
                distinct.add(id.get()); // throws if any writer failed
            }
            assertEquals(1, distinct.size(), "one schema, one id");
        } finally {
            pool.shutdownNow();
        }
    }
}
