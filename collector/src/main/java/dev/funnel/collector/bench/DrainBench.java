package dev.funnel.collector.bench;

import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.NativeLoader;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.RecordDecoder;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.metrics.ProcessStats;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;

/**
 * The Java side of bench/drain.sh: the collector's own drain (one JNI call per batch into a
 * direct buffer) plus full decoding into KernelEvent objects, against the same program and
 * record size as bench/drain/c_drain.c. Same arguments and output line as the C consumer:
 *
 *   DrainBench burst|steady RECORDS RING_BYTES [drain-only]  ->  mode records seconds rate drops cpu_s
 *
 * drain-only walks the buffer's length fields without decoding: the JNI drain alone.
 */
public final class DrainBench {
    private DrainBench() {}

    public static void main(String[] args) throws Exception {
        BpfSupport.ensureAvailable();
        boolean steady = args[0].equals("steady");
        boolean decode = args.length < 4 || !args[3].equals("drain-only");
        long records = Long.parseLong(args[1]);
        int ring = Integer.parseInt(args[2]);
        Process producer = new ProcessBuilder(NativeLoader.tool("funnel-workload").toString(), "getppid",
                Long.toString(records), "wait").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.PROBE))
                .probeTgid((int) producer.pid()).ringBytes(ring).build();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int fullMark = buf.capacity() - 8 - ((RecordLayout.MAX_RECORD + 7) & ~7);
        RecordDecoder decoder = new RecordDecoder();
        long[] received = {0};
        try (BpfObject obj = BpfObject.openEmbedded()) {
            config.applyTo(obj);
            obj.load();
            obj.attach("probe_getppid");
            obj.openRing(KernelConfig.RING_MAP);
            warmUp(decoder, buf);
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
            boolean more = false;
            while (true) {
                int n = obj.drain(buf, more || !steady ? 0 : 100, RecordLayout.MAX_RECORD);
                received[0] += decode ? decoder.decodeAll(buf, n, e -> { }) : countRecords(buf, n);
                more = n > fullMark;
                if (n == 0 && !producer.isAlive()) {
                    if (obj.drain(buf, 0, RecordLayout.MAX_RECORD) == 0) {
                        break;
                    }
                    more = true;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcessStats.cpuSeconds() - c0;
            EmitStats stats = new EmitStats(obj.sumPerCpu(KernelConfig.STATS_MAP));
            System.out.printf("%s %d %.4f %.0f %d %.4f%n", args[0], received[0], seconds, received[0] / seconds,
                    stats.drops(RecordLayout.TYPE_PROBE), cpu);
        } finally {
            producer.destroyForcibly();
        }
    }

    private static int countRecords(ByteBuffer buf, int length) {
        int n = 0;
        for (int pos = 0; pos + 8 <= length; pos += 8 + ((buf.getInt(pos) + 7) & ~7)) {
            n++;
        }
        return n;
    }

    /** JIT-compile the decode path on synthetic records first, as a long-running collector would be. */
    private static void warmUp(RecordDecoder decoder, ByteBuffer buf) {
        ByteBuffer b = buf.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int slot = 8 + RecordLayout.EVENT_HEADER.size();
        int n = 0;
        for (int pos = 0; pos + slot <= 64 * 1024; pos += slot, n += slot) {
            b.putInt(pos, RecordLayout.EVENT_HEADER.size());
            b.putInt(pos + 8 + RecordLayout.EVENT_HEADER.offset("type"), RecordLayout.TYPE_PROBE);
        }
        for (int i = 0; i < 2000; i++) {
            decoder.decodeAll(buf, n, e -> { });
        }
    }
}
