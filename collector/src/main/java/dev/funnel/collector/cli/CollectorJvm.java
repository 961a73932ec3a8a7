package dev.funnel.collector.cli;

import java.util.List;

/**
 * The JVM flags the collector runs with, wherever it runs: the systemd unit, the image,
 * bin/funnel, the fleet demo and the benchmark (DeploymentFilesTest keeps the files equal to
 * this list). The unit's comment says why they are what they are: small serial heap, C1 only.
 */
public final class CollectorJvm {
    public static final List<String> FLAGS = List.of("-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");

    private CollectorJvm() {}
}
