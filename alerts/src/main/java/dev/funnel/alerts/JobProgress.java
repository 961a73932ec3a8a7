package dev.funnel.alerts;

import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * When has the job said all it will say about a moment? Instead of sleeping a guessed time,
 * an end-to-end test or a benchmark waits for the facts: the alert sink's event-time clock (its
 * watermark, read from the Flink REST API; it is behind every detector and the incident grouper) has passed the moment plus every window and hold, a checkpoint
 * completed after that (alerts are committed per checkpoint), and the alert consumer has read
 * up to the committed end of the alerts topic.
 */
public final class JobProgress {
    private static final Pattern VERTEX = Pattern.compile("\\{\"id\":\"([0-9a-f]{32})\"[^{}]*?\"name\":\"([^\"]*)\"");
    private static final Pattern WATERMARK = Pattern.compile("\"value\":\"(-?\\d+)\"");
    /** latest.completed.id of /jobs/:id/checkpoints (the object's fields come in no fixed order). */
    private static final Pattern COMPLETED = Pattern.compile("\"latest\":\\{\"completed\":\\{[^{}]*?\"id\":(\\d+)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final String rest;
    private final String jobId;
    private final String bootstrap;

    public JobProgress(String webUrl, String jobId, String bootstrap) {
        this.rest = webUrl;
        this.jobId = jobId;
        this.bootstrap = bootstrap;
    }

    /** Waits until the job's event time (the alert sink's watermark) has passed eventTimeMs. */
    public void awaitEventTime(long eventTimeMs, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String sink = vertex("funnel.alerts");
        while (watermark(sink) < eventTimeMs) {
            check(deadline, "the job's event time to pass " + eventTimeMs + " (now " + watermark(sink) + ")");
        }
    }

    /**
     * Waits until every alert about events up to eventTimeMs, with windows up to windowMs long,
     * is readable and has been read by watch; fails after timeoutMs.
     */
    public void awaitAlertsUpTo(long eventTimeMs, long windowMs, AlertWatch watch, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        awaitEventTime(eventTimeMs + windowMs, timeoutMs);
        long checkpoint = lastCompletedCheckpoint();
        while (lastCompletedCheckpoint() <= checkpoint) {
            check(deadline, "a checkpoint to complete after checkpoint " + checkpoint);
        }
        Map<Integer, Long> ends = committedEndOffsets();
        while (!watch.caughtUp(ends)) {
            check(deadline, "the alert consumer to reach the committed end " + ends);
        }
    }

    private static void check(long deadline, String what) throws InterruptedException {
        if (System.currentTimeMillis() > deadline) {
            throw new AssertionError("timed out waiting for " + what);
        }
        Thread.sleep(100);
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : "";
    }

    private String vertex(String nameContains) throws IOException, InterruptedException {
        Matcher m = VERTEX.matcher(get("/jobs/" + jobId));
        while (m.find()) {
            if (m.group(2).contains(nameContains)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no vertex named like '" + nameContains + "' in job " + jobId);
    }

    /** The lowest input watermark over the vertex's subtasks, ms (Long.MIN_VALUE before the first). */
    long watermark(String vertex) throws IOException, InterruptedException {
        Matcher m = WATERMARK.matcher(get("/jobs/" + jobId + "/vertices/" + vertex + "/watermarks"));
        long min = Long.MAX_VALUE;
        boolean any = false;
        while (m.find()) {
            min = Math.min(min, Long.parseLong(m.group(1)));
            any = true;
        }
        return any ? min : Long.MIN_VALUE;
    }

    long lastCompletedCheckpoint() throws IOException, InterruptedException {
        Matcher m = COMPLETED.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private Map<Integer, Long> committedEndOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(Topics.ALERTS)).allTopicNames().get().get(Topics.ALERTS)
                    .partitions().size();
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                ask.put(new TopicPartition(Topics.ALERTS, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        }
    }
}
