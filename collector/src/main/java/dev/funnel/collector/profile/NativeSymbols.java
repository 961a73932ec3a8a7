package dev.funnel.collector.profile;

/**
 * The JNI shim over libdwfl (src/main/c/native_symbols.c), in its own library so that the
 * collector runs without libdw. A {@code long} handle is one process's modules, owned by
 * {@link UserSymbols}; calls on one handle come from one thread at a time.
 */
final class NativeSymbols {
    static final String LIBRARY = "funnelsym";

    private NativeSymbols() {}

    /** Reads /proc/PID/maps; throws IllegalStateException when the process is gone or unreadable. */
    static native long open(int pid);

    /**
     * Names addrs: 3 strings per address (function, module, build id hex; each may be null);
     * offsets receives 2 longs per address: the address as in the module's file, and how far into
     * its function it is (from the symbol, or in a stripped module from its .eh_frame entry; -1
     * when unknown). Without names, no symbol table is read: functions stay null.
     */
    static native String[] symbolize(long handle, long[] addrs, long[] offsets, boolean names);

    static native void close(long handle);

    /** elfutils' version, e.g. "0.188". */
    static native String version();
}
