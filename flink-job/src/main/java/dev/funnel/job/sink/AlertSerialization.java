package dev.funnel.job.sink;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.schema.Alert;
import dev.funnel.schema.Finding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** Alerts to funnel.alerts as Avro (Alert.avsc), keyed by host. */
public final class AlertSerialization extends AvroByHostSerialization<AlertRecord, Alert> {
    public AlertSerialization(String topic, String registryUrl) {
        super(topic, registryUrl, Alert.class);
    }

    @Override
    Alert toAvroRecord(AlertRecord a) {
        return toAvro(a);
    }

    @Override
    String host(AlertRecord a) {
        return a.host;
    }

    public static Alert toAvro(AlertRecord a) {
        List<Finding> findings = new ArrayList<>();
        for (dev.funnel.job.model.Finding f : a.findings) {
            findings.add(new Finding(f.detector, f.summary, f.pid, f.observed, f.threshold, f.unit, f.windowStartNs,
                    f.windowEndNs));
        }
        return new Alert(a.alertId, a.detector, a.summary, a.host, a.bootId, a.pid, a.processStartNs, a.comm, a.exe,
                a.cmdline, a.ppid, a.uid, a.cgroupPath, a.containerId, a.observed, a.threshold, a.unit,
                a.windowStartNs, a.windowEndNs, a.lostEventsInWindow, a.firstEventNs, new HashMap<>(a.attributes), a.why,
                findings);
    }
}
