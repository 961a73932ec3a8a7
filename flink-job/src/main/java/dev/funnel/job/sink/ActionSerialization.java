package dev.funnel.job.sink;

import dev.funnel.job.model.ActionRecord;
import dev.funnel.schema.Action;

/** Remediation decisions to funnel.actions as Avro (Action.avsc), keyed by host: each collector reads its own. */
public final class ActionSerialization extends AvroByHostSerialization<ActionRecord, Action> {
    public ActionSerialization(String topic, String registryUrl) {
        super(topic, registryUrl, Action.class);
    }

    @Override
    Action toAvroRecord(ActionRecord a) {
        return toAvro(a);
    }

    @Override
    String host(ActionRecord a) {
        return a.host;
    }

    public static Action toAvro(ActionRecord a) {
        return new Action(a.actionId, a.alertId, a.detector, a.host, a.bootId, a.pid, a.startBootNs, a.exe, a.comm,
                a.uid, a.cgroupPath, a.containerId, a.action, a.decision, a.reason, a.issuedNs, a.expiresNs,
                a.throttleCpu, a.firstEventNs);
    }
}
