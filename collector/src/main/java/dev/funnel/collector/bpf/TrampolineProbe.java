package dev.funnel.collector.bpf;

/**
 * Whether this kernel lets us load and attach a trampoline program (fentry/fexit): learned
 * once per process by loading a separate, empty fexit program (trampoline_probe.bpf.o, built
 * with the others) and attaching it, then letting it go. Needs the same capabilities as the
 * collector itself.
 */
public final class TrampolineProbe {
    static final String OBJECT = "/dev/funnel/bpf/trampoline_probe.bpf.o";
    private static String refusal;
    private static boolean probed;

    private TrampolineProbe() {}

    /** null when trampolines work here, else what the kernel said. */
    public static synchronized String refusal() {
        if (!probed) {
            probed = true;
            try (BpfObject obj = BpfObject.openEmbedded(OBJECT, "funnel_probe")) {
                obj.load();
                obj.attach("trampoline_probe");
            } catch (BpfException e) {
                String first = e.getMessage().lines().findFirst().orElse("refused");
                refusal = first;
            }
        }
        return refusal;
    }
}
