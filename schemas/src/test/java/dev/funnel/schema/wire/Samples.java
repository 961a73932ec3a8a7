package dev.funnel.schema.wire;

import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessInfo;
import java.util.List;

final class Samples {
    private Samples() {}

    static EventBatch batch(int events) {
        Event[] e = new Event[events];
        for (int i = 0; i < events; i++) {
            ProcessInfo p = new ProcessInfo(100 + i, 100 + i, 5_000L, 1_700_000_000_000_000_000L, 1, 0, "worker",
                    "/usr/bin/worker", "worker --fast", 42L, "/system.slice/worker.service", "worker.service", "systemd");
            ParentInfo parent = new ParentInfo(1, 1L, 1_700_000_000_000_000_000L, "systemd", "/usr/lib/systemd/systemd", null);
            e[i] = new Event(EventType.FORK, 1_700_000_000_000_000_000L + i, 9_000L + i, p, parent, new ForkDetail(200 + i));
        }
        return new EventBatch("host-a", "boot-1", 1L, 7L, 1_700_000_000_000_000_000L, new Loss(0L, 0L, 0L, 0L, 0L),
                List.of(e));
    }
}
