package dev.funnel.collector.bpf;

import java.util.function.Predicate;

/**
 * Where slow_request sees a server's answer (slow_request.bpf.c): on TCP sends only where the
 * kernel has the tcp_sendmsg_locked tracepoint (6.16 and later), else on every socket send of
 * the host, where a unix, UDP or netlink send also enters BPF, only to return at once.
 */
public enum SendHook {
    TCP_SENDMSG("request_end_tcp", "tcp_sendmsg_locked"),
    SOCK_SEND("request_end", "sock_send_length");

    private final String program;
    private final String tracepoint;

    SendHook(String program, String tracepoint) {
        this.program = program;
        this.tracepoint = tracepoint;
    }

    public String program() {
        return program;
    }

    public String tracepoint() {
        return tracepoint;
    }

    /** The cheapest hook the kernel has; hasTracepoint answers for a BTF tracepoint name. */
    public static SendHook forKernel(Predicate<String> hasTracepoint) {
        return hasTracepoint.test(TCP_SENDMSG.tracepoint) ? TCP_SENDMSG : SOCK_SEND;
    }
}
