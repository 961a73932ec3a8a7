package dev.funnel.collector.bpf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which programs load for a configuration on this kernel, and why: every enabled sensor's
 * programs, fd_burst's hook as {@link FdBurstHook} decides (asking the kernel whether it
 * allows trampolines), slow_request's send hook as {@link SendHook} decides (asking the
 * kernel's BTF which tracepoints it has), and the load-time switches of programs that serve
 * several sensors (tcp_state counts connects and tracks server connections). {@link #choices()}
 * says in words what was chosen and what was left out; the collector logs it at start.
 */
public final class HookPlan {
    /** One program to attach, and the sensor it serves (named in errors). */
    public record Attach(Sensor sensor, String program) {}

    private final Map<String, Attach> attach = new LinkedHashMap<>();
    private final List<String> choices = new ArrayList<>();
    private final boolean countConnects;
    private final boolean trackServers;

    private HookPlan(Set<Sensor> sensors, FdBurstHook fdHook, Supplier<String> trampolineRefusal,
            Supplier<SendHook> sendHook) {
        for (Sensor s : sensors) {
            s.programs().forEach(p -> attach.putIfAbsent(p, new Attach(s, p)));
            if (s != Sensor.FD_BURST && s != Sensor.PROBE && s != Sensor.SLOW_REQUEST) { // those say their hook below
                choices.add(s.configName());
            }
        }
        if (sensors.contains(Sensor.FD_BURST)) {
            FdBurstHook chosen = fdBurst(fdHook, trampolineRefusal);
            chosen.programs().forEach(p -> attach.put(p, new Attach(Sensor.FD_BURST, p)));
        }
        if (sensors.contains(Sensor.SLOW_REQUEST)) {
            SendHook send = sendHook.get();
            attach.put(send.program(), new Attach(Sensor.SLOW_REQUEST, send.program()));
            choices.add(send == SendHook.TCP_SENDMSG ? "slow_request on tcp:tcp_sendmsg_locked (TCP sends only)"
                    : "slow_request on sock:sock_send_length (every socket send; this kernel has no"
                            + " tcp:tcp_sendmsg_locked, which came in 6.16)");
        }
        countConnects = sensors.contains(Sensor.CONNECT_BURST);
        trackServers = sensors.contains(Sensor.SLOW_REQUEST);
    }

    /**
     * The plan for these sensors; trampolineRefusal is asked only when the fd_burst hook is auto
     * or fentry; sendHook (slow_request's, {@link SendHook#forKernel}) only when slow_request is on.
     */
    public static HookPlan of(Set<Sensor> sensors, FdBurstHook fdHook, Supplier<String> trampolineRefusal,
            Supplier<SendHook> sendHook) {
        return new HookPlan(sensors, fdHook, trampolineRefusal, sendHook);
    }

    private FdBurstHook fdBurst(FdBurstHook asked, Supplier<String> trampolineRefusal) {
        switch (asked) {
            case OFF -> {
                choices.add("fd_burst off (fd.burst.hook = off)");
                return FdBurstHook.OFF;
            }
            case SYSCALLS -> {
                choices.add("fd_burst on syscall tracepoints (fd.burst.hook = syscalls: every syscall of the host pays)");
                return FdBurstHook.SYSCALLS;
            }
            default -> {
                String refused = trampolineRefusal.get();
                if (refused == null) {
                    choices.add("fd_burst on fexit/do_sys_openat2");
                    return FdBurstHook.FENTRY;
                }
                if (asked == FdBurstHook.FENTRY) {
                    throw new BpfException("fd.burst.hook = fentry, but this kernel refuses trampolines: " + refused
                            + " (set fd.burst.hook = syscalls to pay for syscall tracepoints, or off)");
                }
                choices.add("fd_burst off: this kernel refuses fentry (" + refused + "), and syscall tracepoints would"
                        + " slow every syscall of the host; set fd.burst.hook = syscalls to accept that");
                return FdBurstHook.OFF;
            }
        }
    }

    /** The programs to attach, each once, in sensor order. */
    public List<Attach> programs() {
        return List.copyOf(attach.values());
    }

    /** Every program name the plan loads. */
    public Set<String> programNames() {
        return new LinkedHashSet<>(attach.keySet());
    }

    public boolean countConnects() {
        return countConnects;
    }

    public boolean trackServers() {
        return trackServers;
    }

    /** What was chosen and left out, in words: "process, slow_request, fd_burst off: ...". */
    public List<String> choices() {
        return List.copyOf(choices);
    }
}
