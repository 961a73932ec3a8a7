package dev.funnel.collector.pipeline;

import dev.funnel.collector.bpf.BpfException;
import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.bpf.HookPlan;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.RingView;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordDecoder;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.profile.BurstStacks;
import dev.funnel.collector.profile.CpuProfiler;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Stage 2's first half: loads the BPF object and runs the drain thread, which reads the ring
 * buffer in place (no copy, no JNI call per record or per batch: see {@link RingView}),
 * decodes each record and hands it to the handler, runs the burst sweeper four times per
 * flush interval, and reads the kernel's loss counters every {@value #COUNTERS_EVERY_MS} ms.
 * Data and counts only flow downstream, to the handler: nothing below calls back in here,
 * and only the drain thread touches the BPF object until close.
 *
 * <p>Threading: the handler runs on the drain thread ("funnel-drain") and must not block for
 * long: the ring fills while it does. Counters may be read from any thread.
 */
public final class KernelSource implements AutoCloseable {
    /** Receives decoded events, and the source's counters, on the drain thread. */
    public interface Handler extends Consumer<KernelEvent> {
        /** After each drained batch: a natural point to flush work batched per drain. */
        default void batchEnd() {}

        /**
         * The kernel's loss counters and the decode losses, cumulative, as read every
         * {@value #COUNTERS_EVERY_MS} ms, and once more after close has drained the ring.
         */
        default void counters(SourceCounters counters) {}
    }

    /** How often the drain thread reads the kernel's loss counters (one map read per CPU slot). */
    static final long COUNTERS_EVERY_MS = 250;

    /** Ring bytes decoded before the batch is handed on (the backlog takes whole batches). */
    private static final int BATCH_BYTES = 1 << 20;

    private final BpfObject obj;
    private final RingView ring;
    private final KernelConfig config;
    private final HookPlan plan;
    private final Handler handler;
    private final int pollTimeoutMs;
    private final RecordDecoder decoder = new RecordDecoder();
    // Built once: a method reference inside the per-record lambda would be a new object per record.
    private final Consumer<KernelEvent> toHandler = this::dispatch;
    private final RingView.Records decodeInPlace = (data, off, len) -> decoder.decode(data, off, len, toHandler);
    private final AtomicLongArray received = new AtomicLongArray(RecordLayout.TYPE_MAX);
    /** Events made outside the ring (the profiler's), handed to the handler on the drain thread. */
    private final ConcurrentLinkedQueue<List<KernelEvent>> injected = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private CpuProfiler profiler;
    /** Names the call-site stacks of burst records (drain thread only). */
    private final BurstStacks burstStacks;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long batches;
    private volatile EmitStats kernelStats = EmitStats.EMPTY;
    private boolean closed;
    private volatile boolean paused;

    private KernelSource(BpfObject obj, RingView ring, KernelConfig config, HookPlan plan, Handler handler,
            int pollTimeoutMs) {
        this.obj = obj;
        this.ring = ring;
        this.config = config;
        this.plan = plan;
        this.handler = handler;
        this.pollTimeoutMs = pollTimeoutMs;
        this.burstStacks = new BurstStacks(obj);
        this.thread = new Thread(this::drainLoop, "funnel-drain");
        this.thread.setDaemon(true);
    }

    /**
     * Loads and attaches the programs of the configured sensors, then starts draining.
     * Throws {@link BpfException} naming what failed (a missing capability, a program the
     * verifier refused with its log, a tracepoint this kernel lacks).
     */
    public static KernelSource start(KernelConfig config, Handler handler, int pollTimeoutMs) {
        BpfSupport.ensureAvailable();
        HookPlan plan = config.plan();
        BpfObject obj = BpfObject.openEmbedded();
        RingView ring;
        try {
            config.applyTo(obj, plan);
            obj.load();
            for (HookPlan.Attach a : plan.programs()) {
                try {
                    attach(obj, config, a);
                } catch (BpfException e) {
                    throw new BpfException("sensor " + a.sensor().configName() + ": " + e.getMessage()
                            + " (disable it with sensors=... in the config)", e);
                }
            }
            ring = obj.openRing(KernelConfig.RING_MAP);
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
        KernelSource source = new KernelSource(obj, ring, config, plan, handler, pollTimeoutMs);
        if (config.sensors().contains(Sensor.CPU_PROFILE)) {
            source.profiler = CpuProfiler.start(obj, config.cpuSampling(), source.injected::add);
        }
        source.thread.start();
        return source;
    }

    /** A hook, or for the CPU sampler a cpu-clock perf event on every CPU. */
    private static void attach(BpfObject obj, KernelConfig config, HookPlan.Attach a) {
        if (a.sensor() == Sensor.CPU_PROFILE) {
            obj.attachCpuClock(a.program(), config.cpuSampling().periodNs());
        } else {
            obj.attach(a.program());
        }
    }

    /** struct sweep_args in sweep.bpf.c: { u32 force }. */
    private static final byte[] SWEEP_DUE = {0, 0, 0, 0};
    private static final byte[] SWEEP_ALL = {1, 0, 0, 0};

    private void drainLoop() {
        // Four sweeps per flush interval: a quiet key's counts leave within 1.25 x flush.
        long sweepEvery = Math.max(config.flushNs() / 4, 10_000_000L);
        long countersEvery = TimeUnit.MILLISECONDS.toNanos(COUNTERS_EVERY_MS);
        long nextSweep = System.nanoTime() + sweepEvery;
        long nextCounters = System.nanoTime();
        try {
            while (running) {
                readBatch();
                deliverInjected();
                if (ring.stalled()) {
                    Thread.onSpinWait(); // a record is being written right now
                } else if (ring.pending() == 0) {
                    ring.await(pollTimeoutMs); // the kernel wakes us once wakeup_bytes are pending
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    obj.run(Sensor.SWEEP_PROGRAM, SWEEP_DUE);
                    nextSweep = now + sweepEvery;
                }
                if (now - nextCounters >= 0) {
                    publishCounters();
                    nextCounters = now + countersEvery;
                }
            }
            // Stopping (programs already detached): flush every pending count, then deliver
            // what is in the ring, so nothing the kernel counted stays behind.
            obj.run(Sensor.SWEEP_PROGRAM, SWEEP_ALL);
            long giveUp = System.nanoTime() + 1_000_000_000L; // a program still finishing its record
            while (ring.pending() > 0 && System.nanoTime() < giveUp) {
                readBatch();
            }
            deliverInjected();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Reads the kernel's counters and hands them on with the decode losses. */
    private void publishCounters() {
        kernelStats = new EmitStats(obj.sumPerCpu(KernelConfig.STATS_MAP));
        handler.counters(new SourceCounters(kernelStats, decoder.malformed()));
    }

    /** Decodes up to BATCH_BYTES of ring in place, frees their space, ends the batch. */
    private void readBatch() {
        int n = ring.read(BATCH_BYTES, decodeInPlace);
        ring.release(); // decoded into objects: the kernel may reuse the space
        batches++;
        if (n > 0) {
            handler.batchEnd();
        }
    }

    /** Hands on what the profiler made since the last time, one batch per interval. */
    private void deliverInjected() {
        for (List<KernelEvent> batch; (batch = injected.poll()) != null; ) {
            batch.forEach(this::dispatch);
            handler.batchEnd();
        }
    }

    private void dispatch(KernelEvent e) {
        received.incrementAndGet(e.header().type());
        handler.accept(e instanceof KernelEvent.Burst b && b.stackId() >= 0 ? burstStacks.name(b) : e);
    }

    public long received(int type) {
        return received.get(type);
    }

    public long receivedTotal() {
        long s = 0;
        for (int t = 0; t < received.length(); t++) {
            s += received.get(t);
        }
        return s;
    }

    public long malformed() {
        return decoder.malformed();
    }

    public String lastMalformed() {
        return decoder.lastMalformed();
    }

    /** Batches read from the ring (each at most 1 MiB of it, decoded in place). */
    public long batches() {
        return batches;
    }

    /**
     * The kernel's loss counters as the drain thread last read them (at most
     * {@value #COUNTERS_EVERY_MS} ms ago); after close, as they were once everything was drained.
     */
    public EmitStats emitStats() {
        return kernelStats;
    }

    /** The drain thread's failure, or the profiler's, if one stopped on one. */
    public Throwable failure() {
        return failure != null ? failure : profiler != null ? profiler.failure() : null;
    }

    /** The CPU profiler, or null when the cpu_profile sensor is off. */
    public CpuProfiler profiler() {
        return profiler;
    }

    public KernelConfig config() {
        return config;
    }

    /**
     * Detaches every program: the kernel stops observing (and stops costing the host anything),
     * the drain thread delivers what is left and keeps running. For an operator's maintenance
     * window, and for measuring what the programs cost with everything else equal.
     */
    public synchronized void pause() {
        if (!closed && !paused) {
            obj.detach();
            paused = true;
        }
    }

    /** Attaches the plan's programs again after {@link #pause}. */
    public synchronized void resume() {
        if (!closed && paused) {
            for (HookPlan.Attach a : plan.programs()) {
                attach(obj, config, a);
            }
            paused = false;
        }
    }

    public boolean paused() {
        return paused;
    }

    /** What is hooked and what was left out, in words (the plan's choices). */
    public List<String> hooks() {
        return plan.choices();
    }

    /**
     * Detaches every program, delivers what is still in the ring, hands on the kernel's
     * counters as they are then (so received + dropped == attempted holds exactly afterwards)
     * and frees the object. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        obj.detach();
        if (profiler != null) {
            profiler.close(); // before the drain thread's last pass, which delivers its last profiles
        }
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publishCounters(); // the drain thread is done: this thread is the object's only user now
        burstStacks.close();
        obj.close();
    }
}
