package dev.funnel.benchmarks;

import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.workloads.Workloads;
import dev.funnel.collector.bpf.RingView;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.RecordDecoder;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.metrics.ProcessStats;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;

/**
 * The Java side of bench/drain.sh: the collector's own drain (records read in place from the
 * mapped ring, RingView) plus full decoding into KernelEvent objects, against the same program
 * and record size as bench/drain/c_drain.c. Same arguments and output line as the C consumer:
 *
 *   DrainBench burst|steady RECORDS RING_BYTES [drain-only]  ->  mode records seconds rate drops cpu_s
 *
 * drain-only does what the C consumer's callback does (count, read ts_ns) instead of decoding.
 */
public final class DrainBench {
    private DrainBench() {}

    public static void main(String[] args) throws Exception {
        BpfSupport.ensureAvailable();
        boolean steady = args[0].equals("steady");
        boolean decode = args.length < 4 || !args[3].equals("drain-only");
        long records = Long.parseLong(args[1]);
        int ringBytes = Integer.parseInt(args[2]);
        Process producer = new ProcessBuilder(Workloads.binary().toString(), "getppid",
                Long.toString(records), "wait").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.PROBE))
                .probeTgid((int) producer.pid()).ringBytes(ringBytes).build();
        RecordDecoder decoder = new RecordDecoder();
        Counter sink = decode ? new Counter() {
            @Override
            public void record(ByteBuffer data, int off, int len) {
                if (decoder.decode(data, off, len, e -> { })) {
                    received++;
                }
            }
        } : new Counter(); // the C consumer's callback: count, and read ts_ns
        try (BpfObject obj = BpfObject.openEmbedded()) {
            config.applyTo(obj, config.plan());
            obj.load();
            obj.attach("probe_getppid");
            RingView ring = obj.openRing(KernelConfig.RING_MAP);
            warmUp(sink);
            double c0 = ProcessStats.cpuSeconds();
            long t0 = System.nanoTime();
            try (OutputStream go = producer.getOutputStream()) {
                go.write('g');
            }
            if (!steady) {
                producer.waitFor();
                c0 = ProcessStats.cpuSeconds();
                t0 = System.nanoTime();
            }
            while (true) { // the collector's drain loop (KernelSource), with the bench's sink
                ring.read(BATCH_BYTES, sink);
                ring.release();
                if (ring.stalled()) {
                    Thread.onSpinWait();
                } else if (ring.pending() == 0) {
                    if (!producer.isAlive()) {
                        break;
                    }
                    ring.await(100);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcessStats.cpuSeconds() - c0;
            EmitStats stats = new EmitStats(obj.sumPerCpu(KernelConfig.STATS_MAP));
            System.out.printf("%s %d %.4f %.0f %d %.4f%n", args[0], sink.received, seconds, sink.received / seconds,
                    stats.drops(RecordLayout.TYPE_PROBE), cpu);
            if (sink.touched == 42) {
                System.out.println(); // keeps touched alive
            }
        } finally {
            producer.destroyForcibly();
        }
    }

    private static final int BATCH_BYTES = 1 << 20;

    /** Counts records and reads each one's first word, as the C consumer's callback does. */
    static class Counter implements RingView.Records {
        long received;
        long touched;

        @Override
        public void record(ByteBuffer data, int off, int len) {
            received++;
            touched += data.getLong(off);
        }
    }

    /**
     * JIT-compiles the drain loop and the sink on a synthetic ring of probe records first, as
     * they are in a long-running collector; the C consumer has nothing to warm up.
     */
    private static void warmUp(Counter sink) {
        int size = 1 << 20;
        int slot = 8 + RecordLayout.EVENT_HEADER.size();
        ByteBuffer consumer = ByteBuffer.allocateDirect(4096).order(java.nio.ByteOrder.nativeOrder());
        ByteBuffer producer = ByteBuffer.allocateDirect(4096).order(java.nio.ByteOrder.nativeOrder());
        ByteBuffer data = ByteBuffer.allocateDirect(2 * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int records = size / slot;
        for (int i = 0; i < records; i++) {
            data.putInt(i * slot, RecordLayout.EVENT_HEADER.size());
            data.putInt(i * slot + 8 + RecordLayout.EVENT_HEADER.offset("type"), RecordLayout.TYPE_PROBE);
        }
        producer.putLong(0, (long) records * slot);
        for (int round = 0; round < 50; round++) {
            RingView ring = RingView.over(consumer, producer, data);
            ring.read(BATCH_BYTES, sink);
        }
        sink.received = 0;
        sink.touched = 0;
    }
}
