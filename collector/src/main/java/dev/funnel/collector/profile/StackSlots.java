package dev.funnel.collector.profile;

import java.util.Arrays;

/**
 * Stacks as the native shim returns them from a stack-trace map: depth instruction pointers per
 * requested id, back to back, zero past a stack's end (and all zero for an id that was gone).
 */
final class StackSlots {
    private StackSlots() {}

    /** The instruction pointers of the stack in slot, innermost first, without the zero padding. */
    static long[] ips(long[] stacks, int slot, int depth) {
        int from = slot * depth;
        int n = 0;
        while (n < depth && stacks[from + n] != 0) {
            n++;
        }
        return Arrays.copyOfRange(stacks, from, from + n);
    }
}
