package dev.funnel.collector.event;

import static dev.funnel.collector.event.RecordLayout.BURST_EVENT;
import static dev.funnel.collector.event.RecordLayout.EVENT_HEADER;
import static dev.funnel.collector.event.RecordLayout.EXEC_EVENT;
import static dev.funnel.collector.event.RecordLayout.EXIT_EVENT;
import static dev.funnel.collector.event.RecordLayout.FORK_EVENT;
import static dev.funnel.collector.event.RecordLayout.SLOW_REQUEST_EVENT;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes ring buffer records, where the kernel wrote them, into {@link KernelEvent}s. A record
 * too short for its type or of an unknown type is counted in {@link #malformed()} and skipped,
 * never thrown: bad input must not stop the drain.
 *
 * <p>Not thread-safe: one decoder per drain thread.
 */
public final class RecordDecoder {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private static final int H_TS = EVENT_HEADER.offset("ts_ns");
    private static final int H_START = EVENT_HEADER.offset("start_ns");
    private static final int H_PARENT_START = EVENT_HEADER.offset("parent_start_ns");
    private static final int H_CGROUP = EVENT_HEADER.offset("cgroup_id");
    private static final int H_TYPE = EVENT_HEADER.offset("type");
    private static final int H_PID = EVENT_HEADER.offset("pid");
    private static final int H_TID = EVENT_HEADER.offset("tid");
    private static final int H_PPID = EVENT_HEADER.offset("ppid");
    private static final int H_UID = EVENT_HEADER.offset("uid");
    private static final int H_EXEC_SEQ = EVENT_HEADER.offset("exec_seq");
    private static final int H_COMM = EVENT_HEADER.offset("comm");
    // Member offsets, looked up once: by name per record was a hash lookup per field.
    private static final int FORK_CHILD_PID = FORK_EVENT.offset("child_pid");
    private static final int EXIT_LIFETIME_NS = EXIT_EVENT.offset("lifetime_ns");
    private static final int EXIT_EXIT_CODE = EXIT_EVENT.offset("exit_code");
    private static final int EXIT_OPEN_FDS = EXIT_EVENT.offset("open_fds");
    private static final int EXIT_NOFILE_LIMIT = EXIT_EVENT.offset("nofile_limit");
    private static final int EXEC_FILENAME_LEN = EXEC_EVENT.offset("filename_len");
    private static final int EXEC_ARGS_LEN = EXEC_EVENT.offset("args_len");
    private static final int EXEC_FILENAME = EXEC_EVENT.offset("filename");
    private static final int EXEC_ARGS = EXEC_EVENT.offset("args");
    private static final int EXEC_OLD_PID = EXEC_EVENT.offset("old_pid");
    private static final int BURST_KIND = BURST_EVENT.offset("kind");
    private static final int BURST_FAMILY = BURST_EVENT.offset("family");
    private static final int BURST_DADDR = BURST_EVENT.offset("daddr");
    private static final int BURST_COUNT = BURST_EVENT.offset("count");
    private static final int BURST_FIRST_NS = BURST_EVENT.offset("first_ns");
    private static final int BURST_LAST_NS = BURST_EVENT.offset("last_ns");
    private static final int BURST_BUCKET_COUNT = BURST_EVENT.offset("bucket_count");
    private static final int BURST_DPORT = BURST_EVENT.offset("dport");
    private static final int BURST_SUBJECT = BURST_EVENT.offset("subject");
    private static final int BURST_STACK_ID = BURST_EVENT.offset("stack_id");
    private static final int SLOW_REQUEST_FAMILY = SLOW_REQUEST_EVENT.offset("family");
    private static final int SLOW_REQUEST_DURATION_NS = SLOW_REQUEST_EVENT.offset("duration_ns");
    private static final int SLOW_REQUEST_REQUEST_START_NS = SLOW_REQUEST_EVENT.offset("request_start_ns");
    private static final int SLOW_REQUEST_LPORT = SLOW_REQUEST_EVENT.offset("lport");
    private static final int SLOW_REQUEST_RADDR = SLOW_REQUEST_EVENT.offset("raddr");
    private static final int SLOW_REQUEST_RPORT = SLOW_REQUEST_EVENT.offset("rport");

    private final byte[] scratch = new byte[RecordLayout.ARGS_LEN];
    // comm is 16 bytes, read as two longs: a small direct-mapped cache of recently seen names
    // saves decoding a new String per record (most records come from a few processes).
    private final long[] commLo = new long[256];
    private final long[] commHi = new long[256];
    private final String[] commText = new String[256];
    private long malformed;
    private volatile String lastMalformed;

    /** Records skipped because they were malformed; each is data the kernel sent and we lost. */
    public long malformed() {
        return malformed;
    }

    /** What the last malformed record looked like (type and length), for diagnosis; null if none. */
    public String lastMalformed() {
        return lastMalformed;
    }

    /** Decodes the record at b[off, off + len) and hands it to out; false when it was malformed. */
    public boolean decode(ByteBuffer b, int off, int len, Consumer<KernelEvent> out) {
        KernelEvent e = decode(b, off, len);
        if (e != null) {
            out.accept(e);
        }
        return e != null;
    }

    /** The record at b[off, off + len) (little-endian, where the kernel wrote it); null when malformed. */
    public KernelEvent decode(ByteBuffer b, int off, int len) {
        if (len < EVENT_HEADER.size()) {
            malformed++;
            lastMalformed = "record of " + len + " bytes, shorter than a header";
            return null;
        }
        int type = b.getInt(off + H_TYPE);
        KernelEvent.Header h = header(b, off);
        KernelEvent e = switch (type) {
            case RecordLayout.TYPE_FORK -> len < FORK_EVENT.size() ? null
                    : new KernelEvent.Fork(h, b.getInt(off + FORK_CHILD_PID));
            case RecordLayout.TYPE_EXEC -> len < EXEC_EVENT.size() ? null : exec(h, b, off);
            case RecordLayout.TYPE_EXIT -> len < EXIT_EVENT.size() ? null
                    : new KernelEvent.Exit(h, b.getLong(off + EXIT_LIFETIME_NS), b.getInt(off + EXIT_EXIT_CODE),
                            b.getInt(off + EXIT_OPEN_FDS), Integer.toUnsignedLong(b.getInt(off + EXIT_NOFILE_LIMIT)));
            case RecordLayout.TYPE_BURST -> len < BURST_EVENT.size() ? null : burst(h, b, off);
            case RecordLayout.TYPE_SLOW_REQUEST -> len < SLOW_REQUEST_EVENT.size() ? null : slowRequest(h, b, off);
            case RecordLayout.TYPE_PROBE -> new KernelEvent.Probe(h);
            default -> null;
        };
        if (e == null) {
            malformed++;
            lastMalformed = "type " + type + ", " + len + " bytes";
        }
        return e;
    }

    /** A struct event_header at b[off] (little-endian). */
    public KernelEvent.Header header(ByteBuffer b, int off) {
        return new KernelEvent.Header(b.getLong(off + H_TS), b.getLong(off + H_START),
                b.getLong(off + H_PARENT_START), b.getLong(off + H_CGROUP), b.getInt(off + H_TYPE), b.getInt(off + H_PID),
                b.getInt(off + H_TID), b.getInt(off + H_PPID), b.getInt(off + H_UID), b.getInt(off + H_EXEC_SEQ),
                comm(b, off + H_COMM));
    }

    private KernelEvent exec(KernelEvent.Header h, ByteBuffer b, int off) {
        int fnLen = Math.min(Short.toUnsignedInt(b.getShort(off + EXEC_FILENAME_LEN)),
                RecordLayout.PATH_LEN - 1);
        int argsLen = Math.min(Short.toUnsignedInt(b.getShort(off + EXEC_ARGS_LEN)),
                RecordLayout.ARGS_LEN);
        String filename = string(b, off + EXEC_FILENAME, fnLen);
        List<String> argv = new ArrayList<>();
        int base = off + EXEC_ARGS;
        b.get(base, scratch, 0, argsLen);
        int start = 0;
        for (int i = 0; i < argsLen; i++) {
            if (scratch[i] == 0) {
                argv.add(new String(scratch, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < argsLen) {
            argv.add(new String(scratch, start, argsLen - start, StandardCharsets.UTF_8)); // truncated last arg
        }
        return new KernelEvent.Exec(h, b.getInt(off + EXEC_OLD_PID), filename, List.copyOf(argv));
    }

    private KernelEvent burst(KernelEvent.Header h, ByteBuffer b, int off) {
        int kind = b.getInt(off + BURST_KIND);
        if (kind < 1 || kind > KernelEvent.BurstKind.values().length) {
            return null;
        }
        KernelEvent.BurstKind k = KernelEvent.BurstKind.values()[kind - 1];
        int family = Short.toUnsignedInt(b.getShort(off + BURST_FAMILY));
        String dest = k == KernelEvent.BurstKind.CONNECT ? address(b, off + BURST_DADDR, family) : null;
        return new KernelEvent.Burst(h, k, b.getInt(off + BURST_COUNT),
                b.getLong(off + BURST_FIRST_NS), b.getLong(off + BURST_LAST_NS),
                b.getInt(off + BURST_BUCKET_COUNT), dest,
                Short.toUnsignedInt(b.getShort(off + BURST_DPORT)), b.getInt(off + BURST_SUBJECT),
                b.getInt(off + BURST_STACK_ID), List.of());
    }

    private KernelEvent slowRequest(KernelEvent.Header h, ByteBuffer b, int off) {
        int family = Short.toUnsignedInt(b.getShort(off + SLOW_REQUEST_FAMILY));
        return new KernelEvent.SlowRequest(h, b.getLong(off + SLOW_REQUEST_DURATION_NS),
                b.getLong(off + SLOW_REQUEST_REQUEST_START_NS),
                Short.toUnsignedInt(b.getShort(off + SLOW_REQUEST_LPORT)),
                address(b, off + SLOW_REQUEST_RADDR, family),
                Short.toUnsignedInt(b.getShort(off + SLOW_REQUEST_RPORT)));
    }

    private String address(ByteBuffer b, int off, int family) {
        byte[] raw = new byte[family == AF_INET6 ? 16 : 4];
        b.get(off, raw);
        try {
            return family == AF_INET || family == AF_INET6 ? InetAddress.getByAddress(raw).getHostAddress() : "?";
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private String comm(ByteBuffer b, int off) {
        long lo = b.getLong(off);
        long hi = b.getLong(off + 8);
        int slot = (int) ((lo * 0x9E3779B97F4A7C15L + hi) >>> 56);
        String s = commText[slot];
        if (s == null || commLo[slot] != lo || commHi[slot] != hi) {
            s = cString(b, off, RecordLayout.COMM_LEN);
            commLo[slot] = lo;
            commHi[slot] = hi;
            commText[slot] = s;
        }
        return s;
    }

    private String cString(ByteBuffer b, int off, int max) {
        int n = 0;
        while (n < max && b.get(off + n) != 0) {
            n++;
        }
        return string(b, off, n);
    }

    private String string(ByteBuffer b, int off, int n) {
        b.get(off, scratch, 0, n);
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }
}
