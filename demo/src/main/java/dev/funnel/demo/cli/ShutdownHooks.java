package dev.funnel.demo.cli;

/** The commands stop their parts from a shutdown hook on Ctrl-C or SIGTERM, or themselves when they end first. */
public final class ShutdownHooks {
    private ShutdownHooks() {}

    /**
     * Removes hook; true when the caller should now stop the parts itself. False when the JVM
     * is already shutting down (removing a hook then throws "Shutdown in progress", which the
     * demo used to print at every Ctrl-C): the hook is the one stopping them.
     */
    public static boolean remove(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
