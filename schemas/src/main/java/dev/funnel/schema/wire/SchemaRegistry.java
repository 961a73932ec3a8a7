package dev.funnel.schema.wire;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;

/**
 * The Confluent Schema Registry client (Confluent's own, as shaded inside Flink's
 * flink-sql-avro-confluent-registry, the only copy on Maven Central), narrowed to what Funnel
 * does: register a subject's schema, keep a subject BACKWARD compatible, and look schemas up
 * by id. Schemas cross the boundary as JSON, so callers use plain org.apache.avro types.
 *
 * <p>Thread-safe; lookups by id are cached (ids are immutable).
 */
public final class SchemaRegistry {
    private final String url;
    private final CachedSchemaRegistryClient client;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    public SchemaRegistry(String url) {
        this.url = url;
        this.client = new CachedSchemaRegistryClient(url, 1000);
    }

    public String url() {
        return url;
    }

    /**
     * Registers schema under subject (idempotent) and returns its id. Writers of one subject
     * start together; when two create a new subject at once, Apicurio answers the loser 409,
     * the status of an incompatible schema. So a 409 is a conflict only if the schema is not
     * there now: if the winner registered the same schema, its id is the answer.
     */
    public int register(String subject, Schema schema) throws RegistryException {
        AvroSchema avro = new AvroSchema(schema.toString());
        try {
            return client.register(subject, avro);
        } catch (RestClientException e) {
            if (e.getStatus() == 409) {
                try {
                    return client.getId(subject, avro);
                } catch (IOException | RestClientException notThere) {
                    // a real incompatibility: report the 409 below
                }
            }
            throw RegistryException.of("register " + subject + " at " + url, e);
        } catch (IOException e) {
            throw RegistryException.of("register " + subject + " at " + url, e);
        }
    }

    /**
     * Sets the subject's compatibility level (BACKWARD, FORWARD, FULL, NONE...). Writers start
     * together (every subtask of a sink, every collector of a fleet): when two create the
     * subject's rule at once, Apicurio answers the second with 409 "already exists", which is
     * success when the level is the one asked for.
     */
    public void setCompatibility(String subject, String level) throws RegistryException {
        for (int attempt = 1; ; attempt++) {
            try {
                client.updateCompatibility(subject, level);
                return;
            } catch (RestClientException e) {
                if (e.getStatus() != 409 || attempt == 3) {
                    throw RegistryException.of("set compatibility of " + subject + " at " + url, e);
                }
                if (level.equalsIgnoreCase(compatibility(subject))) {
                    return;
                }
            } catch (IOException e) {
                throw RegistryException.of("set compatibility of " + subject + " at " + url, e);
            }
        }
    }

    /** The subject's compatibility level, or null when it has none or it cannot be read. */
    private String compatibility(String subject) {
        try {
            return client.getConfig(subject).getCompatibilityLevel();
        } catch (IOException | RestClientException e) {
            return null;
        }
    }

    /** The writer schema registered under id. */
    public Schema schemaById(int id) throws RegistryException {
        Schema s = byId.get(id);
        if (s != null) {
            return s;
        }
        try {
            s = new Schema.Parser().parse(client.getSchemaById(id).canonicalString());
        } catch (IOException | RestClientException e) {
            throw RegistryException.of("schema id " + id + " at " + url, e);
        }
        byId.put(id, s);
        return s;
    }

    /** A registry call failed; status is the HTTP status (404 unknown, 409 incompatible), or -1. */
    public static final class RegistryException extends Exception {
        private final int status;

        RegistryException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        static RegistryException of(String what, Exception e) {
            int status = e instanceof RestClientException r ? r.getStatus() : -1;
            String why = status == 409 ? "incompatible with the subject's earlier versions"
                    : status == 404 ? "not found" : e.getMessage();
            return new RegistryException(what + ": " + why + (status > 0 ? " (HTTP " + status + ")" : ""), status, e);
        }

        public int status() {
            return status;
        }

        /** The registry did not answer (no HTTP status: refused, timed out) or failed (5xx): try again later. */
        public boolean unavailable() {
            return status < 0 || status >= 500;
        }
    }
}
