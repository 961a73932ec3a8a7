package dev.funnel.collector.bpf;

import java.nio.ByteBuffer;

/**
 * The JNI shim over libbpf (src/main/c/native_bpf.c). Every method is one native call; a
 * {@code long} handle is a native {@code struct handle*} owned by {@link BpfObject}.
 *
 * <p>Threading: calls on one handle may come from several threads but never concurrently
 * with {@link #close}, and {@link #ringWait} from one thread at a time (the ring is read in
 * place, see RingView: there is no per-batch call). Errors surface as
 * {@link BpfException} with libbpf's own log attached.
 */
final class NativeBpf {
    private NativeBpf() {}

    static native long open(byte[] elfImage, String objectName);

    static native void setConstant(long handle, String name, byte[] littleEndianValue);

    static native void setMapSize(long handle, String map, int maxEntries);

    static native void setAutoload(long handle, String program, boolean autoload);

    /** "name section" for every program in the object. */
    static native String[] programs(long handle);

    static native void load(long handle);

    static native void attach(long handle, String program);

    /** A perf_event program on a cpu-clock event per online CPU, every periodNs; returns the CPUs. */
    static native int attachCpuClock(long handle, String program, long periodNs);

    /** Reads and deletes every entry of a hash map: key || value pairs back to back. */
    static native byte[] takeEntries(long handle, String map);

    /** Reads (and with delete, deletes) stacks by id: value_size / 8 ips per id, zeros past the end or when gone. */
    static native long[] takeStacks(long handle, String map, int[] ids, boolean delete);

    /** Maps the ring buffer map into this process (see struct ring_view in native_bpf.c). */
    static native void openRing(long handle, String map);

    /** Over the mapping: 0 the consumer page (RW), 1 the producer page, 2 the data, twice over. */
    static native ByteBuffer ringBuffer(long handle, int which);

    /** Sleeps until the BPF side wakes the consumer or timeoutMs passes; 1 when woken. */
    static native int ringWait(long handle, int timeoutMs);

    static native long[] sumPerCpu(long handle, String map);

    /** BPF_PROG_TEST_RUN with ctx (up to 64 bytes, or null) as the program's argument. */
    static native int runProgram(long handle, String program, byte[] ctx);

    /** "sizeof N", then "member offset size" per member, from the object's BTF. */
    static native String[] structLayout(long handle, String struct);

    /** CLOCK_REALTIME - CLOCK_BOOTTIME, ns. */
    static native long bootClockOffsetNs();

    static native long bootClockNowNs();

    /** The resolution of CLOCK_MONOTONIC_COARSE: one kernel tick, ns; -1 if unknown. */
    static native long tickNs();

    static native void mountTracefs(String target);

    static native String libbpfVersion();

    /** Detaches every program; maps stay readable until close. */
    static native void detach(long handle);

    static native void close(long handle);
}
