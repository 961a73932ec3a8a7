package dev.funnel.collector.cli;

import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.metrics.CollectorStats;
import dev.funnel.collector.pipeline.LossLedger;
import java.io.PrintStream;

/** The per-stage counter table printed when the collector stops, from the same snapshot /metrics serves. */
final class Summary {
    private Summary() {}

    static void print(CollectorStats s, PrintStream out) {
        EmitStats k = s.kernel();
        LossLedger.Snapshot loss = s.loss();
        CollectorStats.CacheStats cache = s.cache();
        out.printf("%nfunnel collector summary after %.1f s%n", s.uptimeSeconds());
        out.printf("  %-8s %12s %12s %s%n", "stage", "passed", "lost", "detail");
        out.printf("  %-8s %12d %12d records reserved in the ring: %d; events lost inside dropped records: %d,"
                + " untracked: %d%n", "kernel", k.totalAttempts() - k.totalDrops(), k.totalDrops(),
                k.totalAttempts() - k.totalDrops(), k.totalDroppedEvents(), k.totalUntracked());
        out.printf("  %-8s %12d %12d ring reads: %d; malformed: %d%n", "drain", s.drainedTotal(), loss.decodeLost(),
                s.drainBatches(), s.malformed());
        out.printf("  %-8s %12d %12d process cache: %d hits, %d misses, %d already gone; /proc reads: %d%n",
                "enrich", s.enriched(), 0, cache.hits(), cache.misses(), cache.gone(), s.procReads());
        out.printf("  %-8s %12d %12d backlog full (events dropped)%n", "queue", s.enriched() - loss.queueDropped(),
                loss.queueDropped());
        out.printf("  %-8s %12d %12d delivered / failed after retries%n", "sink", s.delivered(), loss.kafkaFailed());
        CollectorStats.CpuSamples cpu = s.cpuSamples();
        if (cpu.samples() > 0) {
            out.printf("  %-8s %12d %12d CPU samples counted / not counted (map full); stacks lost: %d to collisions,"
                    + " %d otherwise; process profiles sent: %d%n", "sampler", cpu.samples() - cpu.untracked(),
                    cpu.untracked(), cpu.stackCollisions(), cpu.stacksLost(), cpu.profiles());
        }
        out.printf("  total lost: %d events%n", loss.total());
        if (s.lastMalformed() != null) {
            out.printf("  last malformed record: %s%n", s.lastMalformed());
        }
    }
}
