package dev.funnel.schema.wire;

import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.ProcessInfo;
import java.util.ArrayList;
import java.util.List;

final class Samples {
    private Samples() {}

    static final ParentInfo INIT = new ParentInfo(1, 1L, 1_700_000_000_000_000_000L, "systemd", "/usr/lib/systemd/systemd", null);

    static ProcessContext worker(int pid) {
        return new ProcessContext(pid, 5_000L, 1_700_000_000_000_000_000L, 1, 0, "worker", "/usr/bin/worker",
                "worker --fast", 42L, "/system.slice/worker.service", "worker.service", "systemd", INIT);
    }

    /** A v2 batch: one process per event, each in the table once. */
    static EventBatch batch(int events) {
        List<ProcessContext> table = new ArrayList<>();
        List<Event> e = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            table.add(worker(100 + i));
            e.add(new Event(EventType.FORK, 1_700_000_000_000_000_000L + i, 9_000L + i, 100 + i, i, null, null,
                    new ForkDetail(200 + i)));
        }
        return new EventBatch("host-a", "boot-1", 1L, 7L, 1_700_000_000_000_000_000L, new Loss(0L, 0L, 0L, 0L, 0L),
                table, e);
    }

    /** A batch as a v1 collector wrote it: the process and parent inline in every event. */
    static EventBatch inlineBatch(int events) {
        List<Event> e = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            ProcessInfo p = new ProcessInfo(100 + i, 100 + i, 5_000L, 1_700_000_000_000_000_000L, 1, 0, "worker",
                    "/usr/bin/worker", "worker --fast", 42L, "/system.slice/worker.service", "worker.service", "systemd");
            e.add(new Event(EventType.FORK, 1_700_000_000_000_000_000L + i, 9_000L + i, 0, -1, p, INIT,
                    new ForkDetail(200 + i)));
        }
        return new EventBatch("host-a", "boot-1", 1L, 7L, 1_700_000_000_000_000_000L, new Loss(0L, 0L, 0L, 0L, 0L),
                List.of(), e);
    }
}
