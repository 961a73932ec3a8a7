package dev.funnel.collector.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a ring laid out as kernel/bpf/ringbuf.c lays it out: flags, padding, wrap-around. */
class RingViewTest {
    static final int SIZE = 256;

    /** A fake mapping: positions in their pages, data mirrored like the kernel's double mapping. */
    static final class FakeRing {
        final ByteBuffer consumer = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        final ByteBuffer producer = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        final ByteBuffer data = ByteBuffer.allocateDirect(2 * SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long prod;

        FakeRing(long start) {
            consumer.putLong(0, start);
            producer.putLong(0, start);
            prod = start;
        }

        /** Writes a record of len bytes whose first byte is tag, with the header's flag bits. */
        void write(int len, int tag, int flags) {
            put((int) (prod & (SIZE - 1)), len | flags);
            for (int i = 0; i < len; i++) {
                putByte((int) ((prod + 8 + i) & (SIZE - 1)), (byte) (i == 0 ? tag : 0));
            }
            prod += (8 + len + 7) & ~7;
            producer.putLong(0, prod);
        }

        void put(int off, int v) {
            data.putInt(off, v);
            data.putInt(off + SIZE, v);
        }

        void putByte(int off, byte b) {
            data.put(off, b);
            data.put(off + SIZE, b);
        }
    }

    static List<String> read(RingView ring, int maxBytes) {
        List<String> seen = new ArrayList<>();
        ring.read(maxBytes, (data, off, len) -> seen.add(data.get(off) + ":" + len));
        return seen;
    }

    @Test
    void readsSubmittedRecordsSkipsDiscardedAndStopsAtOneBeingWritten() {
        FakeRing f = new FakeRing(0);
        f.write(20, 1, 0);
        f.write(16, 2, RingView.DISCARD);
        f.write(5, 3, 0);
        f.write(8, 4, RingView.BUSY);
        RingView ring = RingView.over(f.consumer, f.producer, f.data);
        assertEquals(List.of("1:20", "3:5"), read(ring, 1 << 20));
        assertTrue(ring.stalled(), "stopped at the record still being written");
        assertEquals(0, f.consumer.getLong(0), "nothing given back before release");
        ring.release();
        assertEquals(32 + 24 + 16, f.consumer.getLong(0), "released up to the busy record, padded to 8");
        f.put(32 + 24 + 16, 8); // the producer submits it: BUSY cleared
        assertEquals(List.of("4:8"), read(ring, 1 << 20));
        assertFalse(ring.stalled());
        assertEquals(0, ring.pending());
    }

    @Test
    void aRecordThatWrapsAroundTheEndIsReadWhole() {
        FakeRing f = new FakeRing(SIZE - 16); // the next record's header sits 16 bytes before the end
        f.write(40, 7, 0);
        f.write(8, 8, 0);
        RingView ring = RingView.over(f.consumer, f.producer, f.data);
        List<Integer> lengths = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        ring.read(1 << 20, (data, off, len) -> {
            lengths.add(len);
            tags.add((int) data.get(off));
            assertTrue(off + len <= 2 * SIZE, "contiguous in the double mapping");
        });
        assertEquals(List.of(40, 8), lengths);
        assertEquals(List.of(7, 8), tags);
        ring.release();
        assertEquals(SIZE - 16 + 48 + 16, f.consumer.getLong(0));
    }

    @Test
    void aBatchEndsAfterMaxBytes() {
        FakeRing f = new FakeRing(0);
        for (int i = 0; i < 6; i++) {
            f.write(24, i, 0);
        }
        RingView ring = RingView.over(f.consumer, f.producer, f.data);
        assertEquals(3, read(ring, 96).size(), "32-byte slots: three fit in 96 bytes");
        assertEquals(96, ring.pending());
        assertEquals(3, read(ring, 96).size());
    }
}
