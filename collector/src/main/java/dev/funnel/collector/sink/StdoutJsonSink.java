package dev.funnel.collector.sink;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.schema.json.AvroJson;
import dev.funnel.schema.wire.ProcessContexts;
import java.io.PrintStream;
import java.util.List;

/**
 * One JSON object per line per event, for debugging and piping (jq, grep): each line whole,
 * with its process and parent inline.
 */
public final class StdoutJsonSink implements EventSink {
    private final PrintStream out;
    private final StringBuilder sb = new StringBuilder(64 * 1024);
    private volatile long delivered;

    public StdoutJsonSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public void write(List<Enriched> events) {
        sb.setLength(0);
        for (Enriched e : events) {
            AvroJson.write(sb, ProcessContexts.inline(e.event(), e.process()));
            sb.append('\n');
        }
        out.print(sb);
        out.flush();
        delivered += events.size();
    }

    @Override
    public long delivered() {
        return delivered;
    }

    @Override
    public void close() {
        out.flush();
    }
}
