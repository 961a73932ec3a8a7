package dev.funnel.benchmarks.fleet;

/** Stopping a set of fleet processes: each one is closed even when another fails to. */
final class Parts {
    private Parts() {}

    /** Closes the parts in the order given (null: never started), saying on stderr which failed. */
    static void closeAll(String what, AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("funnel fleet: while stopping " + what + ": " + e);
                }
            }
        }
    }
}
