package dev.funnel.collector.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One BPF object (funnel.bpf.o) through its life: open, set constants, load, attach, drain,
 * read counters, close. Closing detaches every program.
 *
 * <p>Threading: configure, load and attach from one thread; afterwards {@link #drain} and
 * {@link #run} belong to the drain thread, and counters may be read from any thread, but
 * {@link #close} only once no other call is in flight.
 */
public final class BpfObject implements AutoCloseable {
    /** The object built by the bpf module, embedded in the jar. */
    public static final String EMBEDDED = "/dev/funnel/bpf/funnel.bpf.o";
    /** Empty programs on the busiest hooks (bpf/src/baseline): the accounting floor for benchmarks. */
    public static final String EMPTY_HOOKS = "/dev/funnel/bpf/empty_hooks.bpf.o";

    private long handle;

    private BpfObject(long handle) {
        this.handle = handle;
    }

    /** Opens (parses, does not load) the embedded object. Needs the native library only. */
    public static BpfObject openEmbedded() {
        return openEmbedded(EMBEDDED, "funnel");
    }

    /**
     * Opens another object built by the bpf module (a capability probe, or the bench's empty
     * programs, {@link #EMPTY_HOOKS}), under a name.
     */
    public static BpfObject openEmbedded(String resource, String name) {
        NativeLoader.ensureLoaded();
        try (InputStream in = BpfObject.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new BpfException(resource + " is not on the classpath");
            }
            return new BpfObject(NativeBpf.open(in.readAllBytes(), name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A program of the object: its name and ELF section (e.g. tp_btf/sched_process_fork). */
    public record Program(String name, String section) {
        public boolean attachable() {
            return !section.equals("syscall");
        }
    }

    public List<Program> programs() {
        List<Program> out = new ArrayList<>();
        for (String p : NativeBpf.programs(handle())) {
            int sp = p.indexOf(' ');
            out.add(new Program(p.substring(0, sp), p.substring(sp + 1)));
        }
        return out;
    }

    public void setU32(String constant, int value) {
        NativeBpf.setConstant(handle(), constant, le(4).putInt(value).array());
    }

    public void setBool(String constant, boolean value) {
        NativeBpf.setConstant(handle(), constant, new byte[] {(byte) (value ? 1 : 0)});
    }

    public void setU64(String constant, long value) {
        NativeBpf.setConstant(handle(), constant, le(8).putLong(value).array());
    }

    /** A const volatile __u16 array of length slots: values first, zeros after. */
    public void setU16Array(String constant, int slots, List<Integer> values) {
        ByteBuffer b = le(2 * slots);
        values.forEach(v -> b.putShort((short) (int) v));
        NativeBpf.setConstant(handle(), constant, b.array());
    }

    public void setMapSize(String map, int maxEntries) {
        NativeBpf.setMapSize(handle(), map, maxEntries);
    }

    public void setAutoload(String program, boolean autoload) {
        NativeBpf.setAutoload(handle(), program, autoload);
    }

    public void load() {
        NativeBpf.load(handle());
    }

    public void attach(String program) {
        NativeBpf.attach(handle(), program);
    }

    /**
     * Attaches a SEC("perf_event") program to a software cpu-clock event on every online CPU,
     * sampling all tasks every periodNs of CPU time. Returns the CPUs it runs on.
     */
    public int attachCpuClock(String program, long periodNs) {
        return NativeBpf.attachCpuClock(handle(), program, periodNs);
    }

    /** Reads and deletes every entry of a hash map; little-endian key || value pairs back to back. */
    public ByteBuffer takeEntries(String map) {
        return ByteBuffer.wrap(NativeBpf.takeEntries(handle(), map)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads and deletes stacks of a stack-trace map: depth ips per id, zero past a stack's end or for a gone id. */
    public long[] takeStacks(String map, int[] ids) {
        return NativeBpf.takeStacks(handle(), map, ids, true);
    }

    /** Reads stacks of a stack-trace map without deleting them: depth ips per id, zero past the end. */
    public long[] readStacks(String map, int[] ids) {
        return NativeBpf.takeStacks(handle(), map, ids, false);
    }

    /** Detaches every program: no new records; what is in the ring can still be drained. */
    public void detach() {
        NativeBpf.detach(handle());
    }

    /** Maps the ring buffer map into this process; read it through the returned view. */
    public RingView openRing(String map) {
        long h = handle();
        NativeBpf.openRing(h, map);
        return new RingView(NativeBpf.ringBuffer(h, 0), NativeBpf.ringBuffer(h, 1), NativeBpf.ringBuffer(h, 2),
                timeoutMs -> NativeBpf.ringWait(h, timeoutMs) > 0);
    }

    public long[] sumPerCpu(String map) {
        return NativeBpf.sumPerCpu(handle(), map);
    }

    /** Runs a SEC("syscall") program once; ctx (little-endian struct bytes) may be null. */
    public int run(String program, byte[] ctx) {
        return NativeBpf.runProgram(handle(), program, ctx);
    }

    /** A struct's layout from the object's BTF: "sizeof N", then "member offset size". */
    public List<String> btfStruct(String struct) {
        return List.of(NativeBpf.structLayout(handle(), struct));
    }

    public static String libbpfVersion() {
        NativeLoader.ensureLoaded();
        return NativeBpf.libbpfVersion();
    }

    private long handle() {
        if (handle == 0) {
            throw new IllegalStateException("BPF object is closed");
        }
        return handle;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public synchronized void close() {
        if (handle != 0) {
            NativeBpf.close(handle);
            handle = 0;
        }
    }
}
