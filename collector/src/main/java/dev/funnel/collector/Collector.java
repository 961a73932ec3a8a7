package dev.funnel.collector;

import dev.funnel.collector.bpf.Clocks;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.enrich.BootClock;
import dev.funnel.collector.enrich.CgroupResolver;
import dev.funnel.collector.enrich.EventEnricher;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.collector.enrich.ProcFs;
import dev.funnel.collector.enrich.ProcessCache;
import dev.funnel.collector.metrics.CollectorStats;
import dev.funnel.collector.metrics.ProcessStats;
import dev.funnel.collector.pipeline.EventPipeline;
import dev.funnel.collector.pipeline.KernelSource;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.collector.profile.CpuProfiler;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.remediate.Remediator;
import java.util.List;
import java.util.Map;

/**
 * The edge collector assembled, downstream first so that each part is built from what it
 * needs: the sink (from the host and the loss ledger), the pipeline (enricher, sink, ledger),
 * then the kernel source that feeds the pipeline. Data and loss counts flow one way: source ->
 * enrich -> backlog -> sink; {@link #stats()} is the one snapshot of every counter.
 *
 * <p>Threading: start and close from one thread; stats() from any.
 */
public final class Collector implements AutoCloseable {
    /** Builds the sink, given who this host is and where it reports what was lost. */
    @FunctionalInterface
    public interface SinkFactory {
        EventSink open(HostInfo host, LossLedger loss);
    }

    private final HostInfo host;
    private final LossLedger loss = new LossLedger();
    private final ProcFs proc = ProcFs.system();
    private final ProcessCache processes;
    private final EventEnricher enricher;
    private final EventPipeline pipeline;
    private final KernelSource source;
    /** Carries out this host's actions; null unless remediation=on. */
    private final Remediator remediator;
    private final long startedNanos = System.nanoTime();
    private boolean closed;

    private Collector(CollectorConfig config, SinkFactory sinks) {
        this.host = HostInfo.named(config.string("host.name"));
        int cacheSize = config.integer("cache.processes");
        this.processes = new ProcessCache(proc, cacheSize);
        this.enricher = new EventEnricher(new BootClock(Clocks::bootToWallOffsetNs), proc, processes,
                CgroupResolver.system(proc, config.string("cgroup.root")), cacheSize);
        this.pipeline = new EventPipeline(enricher, sinks.open(host, loss), loss, config.integer("queue.max.events"));
        try {
            this.source = KernelSource.start(config.kernel(), pipeline, config.integer("poll.timeout.ms"));
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        try {
            this.remediator = config.string("remediation").equals("on")
                    ? Remediator.start(config.remediation(), host, System.err) : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Loads the programs and starts draining into the sink the factory builds. */
    public static Collector start(CollectorConfig config, SinkFactory sinks) {
        return new Collector(config, sinks);
    }

    public HostInfo host() {
        return host;
    }

    /** Stops observing (every program detached) until {@link #resume}; see KernelSource.pause. */
    public void pause() {
        source.pause();
    }

    public void resume() {
        source.resume();
    }

    /** What the kernel side hooked and what it left out, in words. */
    public List<String> hooks() {
        return source.hooks();
    }

    /**
     * Every counter, stage by stage, now. Read downstream first, so within one snapshot a
     * stage never shows more than the stage before it passed on: delivered <= enriched <= drained.
     */
    public CollectorStats stats() {
        long delivered = pipeline.delivered();
        long queued = pipeline.queued();
        long enriched = pipeline.enriched();
        long[] drained = new long[RecordLayout.TYPE_MAX];
        for (int t = 0; t < drained.length; t++) {
            drained[t] = source.received(t);
        }
        return new CollectorStats((System.nanoTime() - startedNanos) / 1e9, source.emitStats(), drained,
                source.batches(), source.malformed(), source.lastMalformed(), enriched, enricher.contextsBuilt(),
                new CollectorStats.CacheStats(processes.size(), processes.hits(), processes.misses(), processes.gone()),
                proc.reads(), queued, delivered, loss.snapshot(), ProcessStats.cpuSeconds(),
                ProcessStats.residentBytes(),
                cpuSamples(), remediator == null ? Map.of() : remediator.counts());
    }

    private CollectorStats.CpuSamples cpuSamples() {
        CpuProfiler p = source.profiler();
        if (p == null) {
            return CollectorStats.CpuSamples.NONE;
        }
        long[] k = p.kernelCounters();
        return new CollectorStats.CpuSamples(k[RecordLayout.CPU_STAT_SAMPLES], k[RecordLayout.CPU_STAT_STACK_COLLISION],
                k[RecordLayout.CPU_STAT_STACK_FULL], k[RecordLayout.CPU_STAT_UNTRACKED], p.profiles());
    }

    /** The first failure of the drain or sink thread, if any: the collector is then stuck. */
    public Throwable failure() {
        return source.failure() != null ? source.failure() : pipeline.sinkFailure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (remediator != null) {
            remediator.close();
        }
        source.close();   // detach, drain what is in the ring, hand on the final kernel counters
        pipeline.close(); // hand everything to the sink and flush it
    }
}
