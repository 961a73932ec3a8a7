package dev.funnel.alerts;

import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.Topics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Alerts as a consumer sees them, each with the wall-clock time it became readable (the job
 * commits alerts in Kafka transactions, so that is when a person could act on it). Reads from
 * the beginning of the alerts topic on its own thread until closed.
 */
public final class AlertWatch implements AutoCloseable {
    /** An alert and when it arrived here (wall-clock ms). */
    public record Seen(Alert alert, long arrivedMs) {
        /** From the earliest kernel event behind the alert to its arrival here, ms. */
        public long kernelToAlertMs() {
            return arrivedMs - alert.getFirstEventNs() / 1_000_000L;
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final TopicReader<Alert> reader;
    private final Thread thread;

    public AlertWatch(String bootstrap, String registryUrl) {
        reader = TopicReader.alerts(bootstrap, registryUrl, Topics.ALERTS, "", true);
        thread = new Thread(() -> reader.run(a -> seen.add(new Seen(a, System.currentTimeMillis())),
                bad -> System.err.println("funnel: skipped a record that is not an alert: " + bad)), "alert-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether every alert committed up to these end offsets (partition -> offset) has been seen. */
    public boolean caughtUp(java.util.Map<Integer, Long> endOffsets) {
        java.util.Map<Integer, Long> at = reader.positions();
        return endOffsets.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }

    /** The first alert that matches, waiting up to timeoutMs for it. */
    public Optional<Seen> await(Predicate<Alert> match, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (true) {
            for (Seen s : seen) {
                if (match.test(s.alert())) {
                    return Optional.of(s);
                }
            }
            if (System.currentTimeMillis() >= end) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        reader.stop();
        thread.join(5000);
        reader.close();
    }
}
