package dev.funnel.collector.pipeline;

import dev.funnel.collector.bpf.BpfException;
import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordDecoder;
import dev.funnel.collector.event.RecordLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Stage 2's first half: loads the BPF object and runs the drain thread, which moves ring
 * buffer records in batches (one JNI call per batch into one reused direct buffer), decodes
 * them and hands each event to the handler, and runs the burst sweeper every flush interval.
 *
 * <p>Threading: the handler runs on the drain thread ("funnel-drain") and must not block for
 * long: the ring fills while it does. Counters may be read from any thread.
 */
public final class KernelSource implements AutoCloseable {
    /** Receives decoded events on the drain thread. */
    public interface Handler extends Consumer<KernelEvent> {
        /** After each drained batch: a natural point to flush work batched per drain. */
        default void batchEnd() {}
    }

    private static final int BUFFER_BYTES = 1 << 20;

    private final BpfObject obj;
    private final KernelConfig config;
    private final Handler handler;
    private final int pollTimeoutMs;
    private final RecordDecoder decoder = new RecordDecoder();
    private final AtomicLongArray received = new AtomicLongArray(RecordLayout.TYPE_MAX);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long drainCalls;
    private volatile EmitStats finalStats;
    private volatile long finalOversize;

    private KernelSource(BpfObject obj, KernelConfig config, Handler handler, int pollTimeoutMs) {
        this.obj = obj;
        this.config = config;
        this.handler = handler;
        this.pollTimeoutMs = pollTimeoutMs;
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
        BpfObject obj = BpfObject.openEmbedded();
        try {
            config.applyTo(obj);
            obj.load();
            for (Sensor s : config.sensors()) {
                for (String program : s.programs()) {
                    try {
                        obj.attach(program);
                    } catch (BpfException e) {
                        throw new BpfException("sensor " + s.configName() + ": " + e.getMessage()
                                + " (disable it with sensors=... in the config)", e);
                    }
                }
            }
            obj.openRing(KernelConfig.RING_MAP);
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
        KernelSource source = new KernelSource(obj, config, handler, pollTimeoutMs);
        source.thread.start();
        return source;
    }

    /** struct sweep_args in sweep.bpf.c: { u32 force }. */
    private static final byte[] SWEEP_DUE = {0, 0, 0, 0};
    private static final byte[] SWEEP_ALL = {1, 0, 0, 0};

    private void drainLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        int fullMark = BUFFER_BYTES - 8 - ((RecordLayout.MAX_RECORD + 7) & ~7);
        // Several sweeps per flush interval: a quiet key's counts leave within 1.25 x flush.
        long sweepEvery = Math.max(config.flushNs() / 4, 10_000_000L);
        long nextSweep = System.nanoTime() + sweepEvery;
        boolean more = false;
        try {
            while (running) {
                int n = obj.drain(buf, more ? 0 : pollTimeoutMs, RecordLayout.MAX_RECORD);
                drainCalls++;
                if (n > 0) {
                    decoder.decodeAll(buf, n, this::dispatch);
                    handler.batchEnd();
                }
                more = n > fullMark;
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    obj.run(Sensor.SWEEP_PROGRAM, SWEEP_DUE);
                    nextSweep = now + sweepEvery;
                }
            }
            // Stopping (programs already detached): flush every pending count, then deliver
            // what is in the ring, so nothing the kernel counted stays behind.
            obj.run(Sensor.SWEEP_PROGRAM, SWEEP_ALL);
            int n;
            while ((n = obj.drain(buf, 0, RecordLayout.MAX_RECORD)) > 0) {
                decoder.decodeAll(buf, n, this::dispatch);
                handler.batchEnd();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void dispatch(KernelEvent e) {
        received.incrementAndGet(e.header().type());
        handler.accept(e);
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

    /** Records that did not fit the drain buffer: lost in user space, never expected. */
    public long oversize() {
        return finalStats != null ? finalOversize : obj.oversizeRecords();
    }

    public long drainCalls() {
        return drainCalls;
    }

    /** The kernel's loss counters now; after close, as they were once everything was drained. */
    public EmitStats emitStats() {
        EmitStats f = finalStats;
        return f != null ? f : new EmitStats(obj.sumPerCpu(KernelConfig.STATS_MAP));
    }

    /** The drain thread's failure, if it stopped on one. */
    public Throwable failure() {
        return failure;
    }

    public KernelConfig config() {
        return config;
    }

    /**
     * Detaches every program, delivers what is still in the ring, snapshots the kernel
     * counters (so received + dropped == attempted holds exactly afterwards) and frees the
     * object. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (finalStats != null) {
            return;
        }
        obj.detach();
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finalOversize = obj.oversizeRecords();
        finalStats = new EmitStats(obj.sumPerCpu(KernelConfig.STATS_MAP));
        obj.close();
    }
}
