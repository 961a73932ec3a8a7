package dev.funnel.job.source;

import dev.funnel.job.model.EventRecord;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.StackFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks as the job keeps them: one line of frame names. A CPU profile's stacks are reduced to
 * what the high_cpu detector sums over its window and what its alert shows: each named stack's innermost frame (where the CPU was) with its samples,
 * equal frames merged, busiest first, and the busiest stack in full. Stateless.
 */
final class CpuFrames {
    private CpuFrames() {}

    static void fill(EventRecord r, CpuProfileDetail c) {
        r.count = c.getSamples();
        r.durationNs = c.getIntervalNs();
        r.sampleHz = c.getSampleHz();
        Map<String, Integer> leaves = new LinkedHashMap<>();
        for (SampledStack s : c.getStacks()) {
            String leaf = s.getFrames().isEmpty() ? "[no stack]" : name(s.getFrames().get(0));
            leaves.merge(leaf, s.getSamples(), Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(leaves.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        r.frames = new String[sorted.size()];
        r.frameSamples = new int[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            r.frames[i] = sorted.get(i).getKey();
            r.frameSamples[i] = sorted.get(i).getValue();
        }
        if (!c.getStacks().isEmpty()) {
            r.hotStack = stack(c.getStacks().get(0).getFrames());
        }
    }

    /** A stack as one line, innermost first: "fork (libc.so.6) < spawn (worker) < main (worker)". */
    static String stack(List<StackFrame> frames) {
        List<String> names = new ArrayList<>(frames.size());
        for (StackFrame f : frames) {
            names.add(name(f));
        }
        return String.join(" < ", names);
    }

    /**
     * A frame as people read it: "handle_batch (worker)" with the module's file name;
     * "worker+0x1d40" for a stripped module, at the start of the function the unwind table says
     * the address is in (so every address of one function reads the same and their samples add
     * up; addr2line takes it), or at the address itself when not even that is known;
     * "jit_fn [jit]"; "schedule [kernel]"; "0x7f3a12c0" for anonymous memory.
     */
    static String name(StackFrame f) {
        String module = f.getModule();
        String file = module == null ? null : module.substring(module.lastIndexOf('/') + 1);
        if (f.getFunction() == null) {
            long at = f.getFunctionOffset() >= 0 ? f.getOffset() - f.getFunctionOffset() : f.getOffset();
            return (file != null ? file + "+" : "") + "0x" + Long.toHexString(at);
        }
        if (module == null) {
            return f.getFunction();
        }
        return f.getFunction() + (module.startsWith("[") ? " " + module : " (" + file + ")");
    }
}
