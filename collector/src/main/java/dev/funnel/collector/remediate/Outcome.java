package dev.funnel.collector.remediate;

/**
 * What became of one action on this host (an ActionOutcome record without its action's fields).
 * outcome: done, dry_run, target_gone, identity_mismatch, protected, refused, failed, expired,
 * verified, not_verified. errno: the failing call's errno, else 0. atNs: wall clock.
 */
public record Outcome(String outcome, int errno, String detail, long atNs) {
    /** Whether the collector changed anything on the host. */
    public boolean acted() {
        return outcome.equals("done");
    }
}
