package dev.funnel.collector.remediate;

/**
 * A handle on one process that cannot be reused: once it exits, every call through the handle
 * fails with ESRCH, even if its PID already names another process. Owned by whoever opened it;
 * close it (try-with-resources). Not thread-safe.
 */
final class Pidfd implements AutoCloseable {
    final int pid;
    private final int fd;

    private Pidfd(int pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /** Opens a handle on pid's process; on failure returns null and puts the errno in errno[0]. */
    static Pidfd open(int pid, int[] errno) {
        int fd = NativeProcess.pidfdOpen(pid);
        if (fd < 0) {
            errno[0] = -fd;
            return null;
        }
        return new Pidfd(pid, fd);
    }

    /** Sends signal (0: only checks the process is still there); 0 or the errno. */
    int signal(int signal) {
        int r = NativeProcess.pidfdSendSignal(fd, signal);
        return r < 0 ? -r : 0;
    }

    /** Whether the process has exited (and so no longer holds its PID's number) within timeoutMs. */
    boolean awaitExit(int timeoutMs) {
        return NativeProcess.pidfdWaitExit(fd, timeoutMs) == 1;
    }

    @Override
    public void close() {
        NativeProcess.close(fd);
    }
}
