package dev.funnel.demo;

import dev.funnel.alerts.TopicReader;
import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.wire.Topics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Every action outcome the collectors report (funnel.actions.audit), read from the beginning on its own thread. */
final class OutcomeWatch implements AutoCloseable {
    private final List<ActionOutcome> seen = new CopyOnWriteArrayList<>();
    private final TopicReader<ActionOutcome> reader;
    private final Thread thread;

    OutcomeWatch(String bootstrap, String registryUrl) {
        reader = new TopicReader<>(ActionOutcome.class, bootstrap, registryUrl, Topics.ACTIONS_AUDIT, "", true);
        thread = new Thread(() -> reader.run(seen::add, bad -> System.err.println("not an outcome: " + bad)), "outcome-watch");
        thread.setDaemon(true);
        thread.start();
    }

    List<ActionOutcome> all() {
        return List.copyOf(seen);
    }

    Optional<ActionOutcome> await(Predicate<ActionOutcome> match, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            Optional<ActionOutcome> o = seen.stream().filter(match).findFirst();
            if (o.isPresent()) {
                return o;
            }
            Thread.sleep(20);
        }
        return seen.stream().filter(match).findFirst();
    }

    @Override
    public void close() throws InterruptedException {
        reader.stop();
        thread.join(5000);
        reader.close();
    }
}
