package dev.funnel.collector.remediate;

import dev.funnel.collector.bpf.NativeLoader;

/**
 * The JNI shim over pidfds (src/main/c/native_pidfd.c), in its own library with no dependency
 * beyond libc, so remediation works wherever the collector runs. Every call returns >= 0 on
 * success and -errno on failure; no state, any thread.
 */
final class NativeProcess {
    static final String LIBRARY = "funnelproc";
    private static final String CAUSE = cause();

    private NativeProcess() {}

    private static String cause() {
        try {
            NativeLoader.load(LIBRARY, "libc6");
            return null;
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage();
        }
    }

    static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why the shim did not load, or null. */
    static String unavailabilityCause() {
        return CAUSE;
    }

    static native int pidfdOpen(int pid);

    static native int pidfdSendSignal(int pidfd, int signal);

    /** 1 when the process exited within timeoutMs, else 0. */
    static native int pidfdWaitExit(int pidfd, int timeoutMs);

    static native int killGroup(int pgid, int signal);

    static native int close(int fd);
}
