package dev.funnel.schema.json;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Plain JSON for Avro records, the way people read Tetragon's or Falco's output: nested
 * records as objects, unions unwrapped (not Avro's {"string": ...}), enums as strings, and a
 * readable "time" next to every *time_ns field. Stateless.
 */
public final class AvroJson {
    private AvroJson() {}

    public static String toJson(IndexedRecord r) {
        StringBuilder sb = new StringBuilder(512);
        write(sb, r);
        return sb.toString();
    }

    public static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof IndexedRecord r) {
            sb.append('{');
            boolean first = true;
            for (Schema.Field f : r.getSchema().getFields()) {
                Object fv = r.get(f.pos());
                if (fv == null) {
                    continue;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, f.name());
                sb.append(':');
                write(sb, fv);
                if (f.name().equals("time_ns") && fv instanceof Long ns) {
                    sb.append(",\"time\":");
                    string(sb, Instant.ofEpochSecond(0, ns).toString());
                }
            }
            sb.append('}');
        } else if (v instanceof CharSequence || v instanceof GenericEnumSymbol || v instanceof Enum) {
            string(sb, v.toString());
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, e.getKey().toString());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else {
            sb.append(v); // numbers and booleans
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
