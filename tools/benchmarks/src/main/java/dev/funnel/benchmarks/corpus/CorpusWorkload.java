package dev.funnel.benchmarks.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One script of bench/corpus: benign (no alert allowed) or an attack (exactly one alert, from
 * one of the detectors its header names), run as its own process. What it prints as
 * key=value lines says what the alert must be about.
 */
record CorpusWorkload(String name, Path script, boolean attack, Set<String> expected) {
    /** An attack script's "# detectors: a b" line: the detectors whose alert counts as catching it. */
    private static final Pattern EXPECTED = Pattern.compile("^# detectors: ([a-z_ ]+)$", Pattern.MULTILINE);

    static List<CorpusWorkload> all(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("(benign|attack)-.*\\.sh")).sorted()
                    .map(CorpusWorkload::of).toList();
        }
    }

    static CorpusWorkload of(Path script) {
        String file = script.getFileName().toString();
        boolean attack = file.startsWith("attack-");
        Set<String> expected = Set.of();
        if (attack) {
            try {
                Matcher m = EXPECTED.matcher(Files.readString(script));
                if (!m.find()) {
                    throw new IllegalArgumentException(script + " names no detector (a \"# detectors: name ...\" line)");
                }
                expected = Set.of(m.group(1).trim().split("\\s+"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new CorpusWorkload(file.replaceAll("\\.sh$", ""), script, attack, Set.copyOf(expected));
    }

    /** What one run of the script did. */
    record Run(long startMs, long endMs, int exitCode, Map<String, String> says, String output) {}

    Run run(long timeoutS) throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        long end = System.currentTimeMillis();
        String text = new String(out);
        Map<String, String> says = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = Pattern.compile("^(subject|expect_exe|expect_cgroup|expect_container)=(.+)$").matcher(line.trim());
            if (m.matches()) {
                says.put(m.group(1), m.group(2).trim());
            }
        }
        return new Run(start, end, p.isAlive() ? -1 : p.exitValue(), says, text);
    }
}
