package dev.funnel.benchmarks.overhead;

import dev.funnel.collector.bpf.BpfObject;
import java.util.List;

/**
 * Attaches the named empty programs of bpf/src/baseline/empty_hooks.bpf.c (e.g. empty_tcp_send,
 * empty_tcp_state) and holds them until the process is killed (the kernel detaches them with its
 * file descriptors): what a hook costs a workload when the program on it does nothing
 * (bench/hook-floor.sh). Prints "attached" once they are. Needs root.
 */
public final class EmptyHooksMain {
    private EmptyHooksMain() {}

    public static void main(String[] args) throws Exception {
        List<String> wanted = List.of(args);
        try (BpfObject hooks = BpfObject.openEmbedded(BpfObject.EMPTY_HOOKS, "funnel_floor")) {
            List<String> known = hooks.programs().stream().map(BpfObject.Program::name).toList();
            for (String w : wanted) {
                if (!known.contains(w)) {
                    System.err.println("empty hooks: no program " + w + " (there are " + known + ")");
                    System.exit(2);
                }
            }
            known.forEach(p -> hooks.setAutoload(p, wanted.contains(p)));
            hooks.load();
            wanted.forEach(hooks::attach);
            System.out.println("attached " + String.join(" ", wanted));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
