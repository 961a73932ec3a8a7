package dev.funnel.collector.pipeline;

import dev.funnel.collector.bpf.EmitStats;

/**
 * What the kernel source knows it lost, cumulative since it started: the kernel's own loss
 * accounting (records the ring could not take, events the burst map could not count) and the
 * records it could not decode. Pushed downstream with the data; immutable.
 *
 * @param kernel    the emit_stats map, summed over CPUs
 * @param malformed records drained but not decodable (each an event lost)
 */
public record SourceCounters(EmitStats kernel, long malformed) {
    public static final SourceCounters NONE = new SourceCounters(EmitStats.EMPTY, 0);
}
