package dev.funnel.benchmarks.corpus;

import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.AlertWatch;
import dev.funnel.alerts.Escalations;
import dev.funnel.alerts.JobProgress;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.local.EmbeddedFunnel;
import dev.funnel.schema.Alert;
import dev.funnel.schema.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * bench/detection.sh: every script of bench/corpus through the real demo pipeline (the embedded
 * default: collector on this kernel, KRaft broker, registry, the job on a Flink mini cluster),
 * one after another. After each, it waits until the job has said all it will about that time
 * (JobProgress: event time past the end plus the longest window, a checkpoint, the consumer
 * caught up), then takes the alerts whose first event falls in the script's run. A benign
 * workload passes with none; an attack with exactly one (escalations of it aside), from a
 * detector its script names, about the process, exe, cgroup or container the script says.
 *
 * <pre>DetectionCorpus CORPUS_DIR OUT.csv RUNS RULES [NAME...]</pre> RULES "" for the defaults.
 * With a rules file of floor thresholds (--measure in the script), the table is the benign
 * peaks instead: per workload and detector, the highest value any finding observed.
 */
public final class DetectionCorpus {
    /**
     * How long after a workload its alert may still be due: the longest window of the default
     * rules (crash_loop, slow_requests: 10 s), the grouper's longest hold
     * (2 s) and a second of slack.
     */
    static final long LONGEST_WINDOW_MS = 13_000;

    private DetectionCorpus() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path csv = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        String rules = args[3];
        boolean measure = !rules.isEmpty();
        List<String> only = List.of(args).subList(4, args.length);
        List<CorpusWorkload> workloads = CorpusWorkload.all(dir).stream()
                .filter(w -> only.isEmpty() || only.contains(w.name()))
                .filter(w -> !measure || !w.attack() || !only.isEmpty()).toList(); // attacks measured only by name
        Path work = Files.createTempDirectory("funnel-corpus-");
        Progress progress = new Progress("detection corpus", System.err);
        List<String> rows = new ArrayList<>(List.of(measure ? "run,workload,detector,peak,unit,findings"
                : "run,workload,label,expected,alerts,detectors,verdict,seconds_to_alert,detail"));
        int failures = 0;
        try (EmbeddedFunnel funnel = EmbeddedFunnel.start(new EmbeddedFunnel.Settings(0, 0, 0, 0, rules, "", work), progress);
                AlertWatch watch = new AlertWatch(funnel.bootstrapServers(), funnel.registryUrl())) {
            JobProgress job = new JobProgress(funnel.flink().webUrl(), funnel.flink().job().getJobID().toHexString(),
                    funnel.bootstrapServers());
            job.awaitEventTime(System.currentTimeMillis(), 60_000);
            for (int run = 1; run <= runs; run++) {
                for (CorpusWorkload w : workloads) {
                    progress.say("run %d/%d: %s ...", run, runs, w.name());
                    CorpusWorkload.Run r = w.run(900);
                    job.awaitAlertsUpTo(r.endMs(), LONGEST_WINDOW_MS, watch, 120_000);
                    List<AlertWatch.Seen> raised = watch.all().stream()
                            .filter(s -> s.alert().getFirstEventNs() >= r.startMs() * 1_000_000L
                                    && s.alert().getFirstEventNs() <= r.endMs() * 1_000_000L).toList();
                    if (measure) {
                        rows.addAll(peaks(run, w, raised));
                        continue;
                    }
                    Verdict v = Verdict.of(w, r, raised);
                    if (!v.pass()) {
                        failures++;
                        raised.forEach(s -> System.err.println(AlertFormat.human(s.alert())));
                        // A miss may be an alert placed in the wrong run: show what came near it.
                        watch.all().stream().filter(s -> !raised.contains(s)
                                && Math.abs(s.alert().getFirstEventNs() / 1_000_000L - r.startMs()) < 60_000)
                                .forEach(s -> System.err.println("near it, not counted: " + AlertFormat.human(s.alert())));
                        if (r.exitCode() != 0) {
                            System.err.println(r.output());
                        }
                    }
                    progress.say("  %s: %s (%d alert(s)%s)", w.name(), v.pass() ? "ok" : "FAILED: " + v.detail(),
                            raised.size(), v.secondsToAlert() >= 0 ? String.format(", %.1f s to alert", v.secondsToAlert()) : "");
                    rows.add(String.format("%d,%s,%s,%s,%d,%s,%s,%.1f,\"%s\"", run, w.name(), w.attack() ? "attack" : "benign",
                            String.join(" ", w.expected()), raised.size(),
                            String.join(" ", raised.stream().map(s -> s.alert().getDetector()).toList()),
                            v.pass() ? "ok" : "FAILED", v.secondsToAlert(), v.detail().replace('"', '\'')));
                }
            }
        }
        Files.write(csv, rows);
        if (failures > 0) {
            progress.say("%d workload run(s) FAILED", failures);
            System.exit(1);
        }
    }

    /** Measurement runs: the highest observed value per detector among the findings raised. */
    static List<String> peaks(int run, CorpusWorkload w, List<AlertWatch.Seen> raised) {
        Map<String, double[]> peak = new TreeMap<>();
        Map<String, String> unit = new TreeMap<>();
        for (AlertWatch.Seen s : raised) {
            List<Finding> fs = s.alert().getFindings();
            if (fs.isEmpty()) {
                fs = List.of(new Finding(s.alert().getDetector(), s.alert().getSummary(), s.alert().getPid(),
                        s.alert().getObserved(), s.alert().getThreshold(), s.alert().getUnit(), 0L, 0L));
            }
            for (Finding f : fs) {
                double[] p = peak.computeIfAbsent(f.getDetector(), k -> new double[2]);
                p[0] = Math.max(p[0], f.getObserved());
                p[1]++;
                unit.put(f.getDetector(), f.getUnit());
            }
        }
        List<String> out = new ArrayList<>();
        // Two decimals below 10 (high_cpu's cores), one above (counts and rates).
        peak.forEach((d, p) -> out.add(String.format(p[0] < 10 ? "%d,%s,%s,%.2f,%s,%d" : "%d,%s,%s,%.1f,%s,%d",
                run, w.name(), d, p[0], unit.get(d), (long) p[1])));
        if (out.isEmpty()) {
            out.add(String.format("%d,%s,-,0,-,0", run, w.name()));
        }
        return out;
    }

    /** Whether a run's alerts are what its label asks for. */
    record Verdict(boolean pass, String detail, double secondsToAlert) {
        static Verdict of(CorpusWorkload w, CorpusWorkload.Run r, List<AlertWatch.Seen> raised) {
            if (!w.attack()) {
                return raised.isEmpty() ? new Verdict(true, "", -1)
                        : new Verdict(false, "false alert: " + raised.get(0).alert().getSummary(), -1);
            }
            if (raised.isEmpty()) {
                return new Verdict(false, "missed" + (r.exitCode() != 0 ? " (the script exited " + r.exitCode() + ")" : ""), -1);
            }
            Alert a = raised.get(0).alert();
            double seconds = (raised.get(0).arrivedMs() - r.startMs()) / 1000.0;
            List<AlertWatch.Seen> incidents = Escalations.firstOfEachIncident(raised, AlertWatch.Seen::alert);
            if (incidents.size() > 1) {
                return new Verdict(false, incidents.size() + " alerts for one attack", seconds);
            }
            if (!w.expected().contains(a.getDetector())) {
                return new Verdict(false, "caught by " + a.getDetector() + ", expected " + w.expected(), seconds);
            }
            String wrong = context(a, r.says());
            return wrong == null ? new Verdict(true, "", seconds) : new Verdict(false, wrong, seconds);
        }

        /** null when the alert names what the script said, else what is wrong. */
        static String context(Alert a, Map<String, String> says) {
            String subject = says.get("subject");
            if (subject != null) {
                int pid = Integer.parseInt(subject);
                boolean about = a.getPid() == pid || a.getPpid() == pid
                        || a.getFindings().stream().anyMatch(f -> f.getPid() == pid);
                if (!about) {
                    return "about PID " + a.getPid() + " (parent " + a.getPpid() + "), not the attack's " + pid;
                }
            }
            String exe = says.get("expect_exe");
            if (exe != null && (a.getExe() == null || !a.getExe().endsWith(exe))) {
                return "exe " + a.getExe() + ", expected *" + exe;
            }
            String cgroup = says.get("expect_cgroup");
            if (cgroup != null && (a.getCgroupPath() == null || !a.getCgroupPath().endsWith(cgroup))) {
                return "cgroup " + a.getCgroupPath() + ", expected *" + cgroup;
            }
            String container = says.get("expect_container");
            if (container != null && !container.equals(a.getContainerId())) {
                return "container " + a.getContainerId() + ", expected " + container;
            }
            return null;
        }
    }
}
