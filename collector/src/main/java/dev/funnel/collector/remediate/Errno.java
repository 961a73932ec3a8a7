package dev.funnel.collector.remediate;

/** The errno values remediation meets, by name, and what each means for an action. */
final class Errno {
    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EROFS = 30;

    private Errno() {}

    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ESRCH -> "ESRCH";
            case EACCES -> "EACCES";
            case EINVAL -> "EINVAL";
            case EROFS -> "EROFS";
            default -> "errno " + errno;
        };
    }
}
