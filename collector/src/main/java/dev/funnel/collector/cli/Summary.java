package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.pipeline.LossLedger;
import java.io.PrintStream;

/** The per-stage counter table printed when the collector stops. */
final class Summary {
    private Summary() {}

    static void print(Collector c, PrintStream out) {
        EmitStats k = c.source().emitStats();
        LossLedger.Snapshot loss = c.loss().snapshot();
        out.printf("%nfunnel collector summary after %.1f s%n", c.uptimeSeconds());
        out.printf("  %-8s %12s %12s %s%n", "stage", "passed", "lost", "detail");
        out.printf("  %-8s %12d %12d records reserved in the ring: %d; events lost inside dropped records: %d,"
                + " untracked: %d%n", "kernel", k.totalAttempts() - k.totalDrops(), k.totalDrops(),
                k.totalAttempts() - k.totalDrops(), k.totalDroppedEvents(), k.totalUntracked());
        out.printf("  %-8s %12d %12d batches read in place: %d; malformed: %d%n", "drain",
                c.source().receivedTotal(), loss.decodeLost(), c.source().batches(), c.source().malformed());
        out.printf("  %-8s %12d %12d process cache: %d hits, %d misses, %d already gone; /proc reads: %d%n",
                "enrich", c.pipeline().enriched(), 0, c.processes().hits(), c.processes().misses(),
                c.processes().gone(), c.proc().reads());
        out.printf("  %-8s %12d %12d backlog full (events dropped)%n", "queue",
                c.pipeline().enriched() - loss.queueDropped(), loss.queueDropped());
        out.printf("  %-8s %12d %12d delivered / failed after retries%n", "sink", c.pipeline().delivered(),
                loss.kafkaFailed());
        out.printf("  total lost: %d events%n", loss.total());
        if (c.source().lastMalformed() != null) {
            out.printf("  last malformed record: %s%n", c.source().lastMalformed());
        }
    }
}
