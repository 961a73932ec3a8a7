package dev.funnel.collector;

import dev.funnel.collector.bpf.Clocks;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.enrich.BootClock;
import dev.funnel.collector.enrich.CgroupResolver;
import dev.funnel.collector.enrich.EventEnricher;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.collector.enrich.ProcFs;
import dev.funnel.collector.enrich.ProcessCache;
import dev.funnel.collector.pipeline.EventPipeline;
import dev.funnel.collector.pipeline.KernelSource;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.collector.sink.EventSink;
import java.util.function.Function;

/**
 * The edge collector assembled: kernel source -> enrich -> bounded backlog -> sink. Start it,
 * read its counters, close it (which detaches, delivers what was drained, and flushes).
 */
public final class Collector implements AutoCloseable {
    private final CollectorConfig config;
    private final HostInfo host;
    private final LossLedger loss = new LossLedger();
    private final ProcFs proc = ProcFs.system();
    private final ProcessCache processes;
    private final EventEnricher enricher;
    private final EventPipeline pipeline;
    private final KernelSource source;
    private final long startedNanos = System.nanoTime();
    private boolean closed;

    private Collector(CollectorConfig config, Function<Collector, EventSink> sinkFactory) {
        this.config = config;
        String name = config.string("host.name");
        HostInfo h = HostInfo.current();
        this.host = name.isEmpty() ? h : new HostInfo(name, h.bootId());
        this.processes = new ProcessCache(proc, config.integer("cache.processes"));
        this.enricher = new EventEnricher(new BootClock(Clocks::bootToWallOffsetNs), proc, processes,
                CgroupResolver.system(proc, config.string("cgroup.root")), config.integer("cache.processes"));
        EventSink sink = sinkFactory.apply(this);
        this.pipeline = new EventPipeline(enricher, sink, loss, config.integer("queue.max.events"));
        KernelSource s;
        try {
            s = KernelSource.start(config.kernel(), pipeline, config.integer("poll.timeout.ms"));
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        this.source = s;
        loss.attach(source);
    }

    /** Loads the programs and starts draining into the sink the factory builds. */
    public static Collector start(CollectorConfig config, Function<Collector, EventSink> sinkFactory) {
        return new Collector(config, sinkFactory);
    }

    public CollectorConfig config() {
        return config;
    }

    public HostInfo host() {
        return host;
    }

    public LossLedger loss() {
        return loss;
    }

    public KernelSource source() {
        return source;
    }

    public EventPipeline pipeline() {
        return pipeline;
    }

    public ProcessCache processes() {
        return processes;
    }

    public EventEnricher enricher() {
        return enricher;
    }

    public ProcFs proc() {
        return proc;
    }

    public double uptimeSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
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
        source.close();   // detach, drain what is in the ring, snapshot kernel counters
        pipeline.close(); // hand everything to the sink and flush it
    }
}
