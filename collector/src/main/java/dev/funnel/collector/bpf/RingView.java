package dev.funnel.collector.bpf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The BPF ring buffer, read in place: records are decoded where the kernel wrote them, in the
 * mapping native_bpf.c makes, and their space is handed back by publishing the consumer
 * position. No copy and no JNI call per record or per batch, only to sleep.
 *
 * <p>Layout (kernel/bpf/ringbuf.c): the producer position and the consumer position are u64 at
 * the start of their pages; each record starts with a u32 length whose top bits say BUSY
 * (reserved, not yet submitted) and DISCARD, a u32 the kernel uses, then the record, padded to
 * 8 bytes. Positions only grow; the offset of a position is {@code pos & (size - 1)}, and the
 * data is mapped twice in a row, so a record is contiguous even where it wraps.
 *
 * <p>Memory order: the record header is read with acquire semantics (the kernel clears BUSY
 * with a release store), the producer position likewise; the consumer position is published
 * with a volatile (sequentially consistent) store, as libbpf does, or the kernel may miss
 * that the consumer caught up and skip a wake-up. The per-record acquire is a plain load
 * followed by an acquire fence, the same ordering as VarHandle.getAcquire: the collector runs
 * with C1 only (see the systemd unit), which inlines the fence but not a VarHandle call.
 *
 * <p>Threading: one reader thread (the drain thread).
 */
public final class RingView {
    /** What a record visitor receives: the data buffer (little-endian), the record's offset and length. */
    public interface Records {
        void record(ByteBuffer data, int offset, int length);
    }

    /** Sleeps until woken or the timeout passes; true when woken. */
    interface Waiter {
        boolean await(int timeoutMs);
    }

    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    static final int HEADER = 8;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final long mask;
    private final Waiter waiter;
    private long pos;
    private boolean stalled;

    RingView(ByteBuffer consumer, ByteBuffer producer, ByteBuffer data, Waiter waiter) {
        this.consumer = consumer;
        this.producer = producer.duplicate().order(ByteOrder.nativeOrder());
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
        this.mask = data.capacity() / 2 - 1;
        this.waiter = waiter;
        this.pos = (long) LONG.getVolatile(consumer, 0);
    }

    /**
     * A view over buffers laid out as the kernel lays out the mapping (tests, benchmark warm-up):
     * direct buffers, data twice the ring size with its second half mirroring the first.
     */
    public static RingView over(ByteBuffer consumer, ByteBuffer producer, ByteBuffer data) {
        return new RingView(consumer, producer, data, timeoutMs -> false);
    }

    /**
     * Hands every submitted record from the consumer position on to out, until maxBytes of
     * ring have been read or a record is still being written; returns the records handed on
     * (discarded ones are skipped). Their space stays reserved until {@link #release}.
     */
    public int read(int maxBytes, Records out) {
        ByteBuffer d = data;
        long p = pos;
        long end = Math.min(producerPosition(), p + maxBytes);
        int n = 0;
        boolean busy = false;
        while (p < end) {
            int off = (int) (p & mask);
            int header = d.getInt(off);
            VarHandle.acquireFence(); // nothing of the record is read before its header
            if ((header & BUSY) != 0) {
                busy = true; // reserved, not submitted yet: it will be in a moment
                break;
            }
            int len = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0) {
                out.record(d, off + HEADER, len);
                n++;
            }
            p += (HEADER + len + 7) & ~7L;
        }
        pos = p;
        stalled = busy;
        return n;
    }

    /** Gives the space of everything read so far back to the kernel. */
    public void release() {
        LONG.setVolatile(consumer, 0, pos);
    }

    /** Whether the last read stopped at a record still being written (worth a retry at once). */
    public boolean stalled() {
        return stalled;
    }

    /** Bytes written by the kernel and not read yet. */
    public long pending() {
        return producerPosition() - pos;
    }

    private long producerPosition() {
        long p = producer.getLong(0);
        VarHandle.acquireFence(); // records up to p are read after p
        return p;
    }

    /** Sleeps until the kernel wakes the consumer or timeoutMs passes. */
    public boolean await(int timeoutMs) {
        return waiter.await(timeoutMs);
    }
}
